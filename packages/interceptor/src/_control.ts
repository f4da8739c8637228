// The control API (plain HTTP, JSON): health, status, step markers, configuration updates and
// the records, as a list or as an NDJSON feed that never loses or repeats a record.
import type http from 'node:http'
import type { Logger } from './_logger.js'
import type { Recorder } from './_recorder.js'
import type { InterceptorConfigUpdate, InterceptorHealth, InterceptorStatus } from './types.js'

const MAX_BODY_BYTES = 64 * 1024 * 1024

export interface ControlDeps {
  recorder: Recorder
  logger: Logger
  health(): InterceptorHealth
  applyConfig(update: InterceptorConfigUpdate): Promise<void>
}

export function createControlHandler(deps: ControlDeps): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const { recorder } = deps
  return (req, res) => {
    res.on('error', () => undefined)
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1))
    const method = req.method ?? 'GET'
    const allow = (m: string) => {
      if (method === m) return true
      sendJson(res, 405, { error: `${method} ${path} is not supported; use ${m}` }, { allow: m })
      req.resume()
      return false
    }
    switch (path) {
      case '/health':
        if (allow('GET')) sendJson(res, 200, deps.health())
        return
      case '/status':
        if (allow('GET')) {
          const status: InterceptorStatus = { inFlight: recorder.active, idleMs: recorder.idleMs, lastSeq: recorder.lastSeq, step: recorder.step }
          sendJson(res, 200, status)
        }
        return
      case '/steps':
        if (!allow('POST')) return
        readJson(req, res, (body) => {
          const step = (body as { step?: unknown } | null)?.step
          if (typeof step !== 'number' || !Number.isSafeInteger(step)) return sendJson(res, 400, { error: 'body must be {"step": <integer>}' })
          recorder.step = step
          sendJson(res, 200, { lastSeq: recorder.lastSeq })
        })
        return
      case '/config':
        if (!allow('PUT')) return
        readJson(req, res, (body) => {
          if (body === null || typeof body !== 'object' || Array.isArray(body)) return sendJson(res, 400, { error: 'body must be a JSON object' })
          deps.applyConfig(body as InterceptorConfigUpdate).then(
            () => {
              res.writeHead(204)
              res.end()
            },
            (error: Error) => sendJson(res, 400, { error: error.message }),
          )
        })
        return
      case '/records': {
        if (!allow('GET')) return
        const after = parseAfter(query.get('after'))
        if (after === undefined) return sendJson(res, 400, { error: '"after" must be a non-negative integer' })
        const body = '[' + recorder.linesAfter(after).join(',') + ']'
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
        res.end(body)
        return
      }
      case '/records/stream': {
        if (!allow('GET')) return
        const after = parseAfter(query.get('after'))
        if (after === undefined) return sendJson(res, 400, { error: '"after" must be a non-negative integer' })
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' })
        res.flushHeaders()
        req.socket.setNoDelay(true)
        // Backlog and subscription happen in one synchronous block: nothing can complete in between.
        const backlog = recorder.linesAfter(after)
        if (backlog.length > 0) res.write(backlog.join('\n') + '\n')
        // Lines completing in the same turn of the event loop go out in one write.
        let batch = ''
        let scheduled = false
        const flush = () => {
          scheduled = false
          if (!res.destroyed) res.write(batch)
          batch = ''
        }
        const unsubscribe = recorder.listen((line) => {
          batch += line + '\n'
          if (!scheduled) {
            scheduled = true
            setImmediate(flush)
          }
        })
        res.on('close', unsubscribe)
        return
      }
      default:
        req.resume()
        sendJson(res, 404, { error: `no route ${method} ${path}` })
    }
  }
}

function parseAfter(value: string | null): number | undefined {
  if (value === null || value === '') return 0
  const n = Number(value)
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return
  const body = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
  res.end(body)
}

function readJson(req: http.IncomingMessage, res: http.ServerResponse, done: (body: unknown) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  let failed = false
  req.on('data', (chunk: Buffer) => {
    if (failed) return
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
      failed = true
      sendJson(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` })
      return
    }
    chunks.push(chunk)
  })
  req.on('error', () => undefined)
  req.on('end', () => {
    if (failed) return
    let body: unknown
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch (error) {
      return sendJson(res, 400, { error: `invalid JSON: ${(error as Error).message}` })
    }
    done(body)
  })
}
