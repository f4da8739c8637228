// The conformance suite's fixture service, in-process. Every runtime provides an image with the
// same small protocol (runtime-docker builds one from a single JS file):
//   GET  /health          → 200 {"ok":true}
//   ANY  /echo…           → 200 {method, url, headers, body}; logs "echo <METHOD> <url>"
//   POST /call {url, method?, body?} → makes that call from inside the item and answers
//                            {status, body} of the result (502 {error} when the call fails)
import type http from 'node:http'
import type { MemoryServiceContext } from './memory-runtime.js'

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The echo fixture as a memory-runtime service. */
export function echoService(ctx: MemoryServiceContext): http.RequestListener {
  return (req, res) => {
    void (async () => {
      const body = await readBody(req)
      const reply = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
      if (req.url === '/health') return reply(200, { ok: true })
      if (req.url?.startsWith('/echo')) {
        ctx.log(`echo ${req.method} ${req.url}`)
        return reply(200, { method: req.method, url: req.url, headers: req.headers, body })
      }
      if (req.method === 'POST' && req.url === '/call') {
        const call = JSON.parse(body) as { url: string; method?: string; body?: string }
        try {
          const r = await ctx.fetch(call.url, { method: call.method ?? 'GET', ...(call.body !== undefined ? { body: call.body } : {}) })
          return reply(200, { status: r.status, body: r.text })
        } catch (error) {
          return reply(502, { error: error instanceof Error ? error.message : String(error) })
        }
      }
      reply(404, { error: 'no route' })
    })()
  }
}
