import http from 'node:http'
import { Readable } from 'node:stream'
import v8 from 'node:v8'
import vm from 'node:vm'
import { describe, expect, test } from 'vitest'
import { call, echoHandler, fixture, start, waitForRecords } from './_helpers.js'

const MiB = 1024 * 1024
const TOTAL = 50 * MiB

/** 50 MiB in 64 KiB chunks, produced on demand (nothing big is ever allocated). */
function bigBody(): Readable {
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  let sent = 0
  return new Readable({
    read() {
      if (sent >= TOTAL) return void this.push(null)
      sent += chunk.length
      this.push(chunk)
    },
  })
}

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/**
 * Samples live Buffer memory (after a full GC) while a receiver has been reading nothing for a
 * while (`paused()`): a proxy without backpressure would pile the body up exactly then. Samples
 * taken while data flows are skipped: reads in flight make them noisy even without the
 * interceptor. rss is not asserted on: it keeps the pages touched while data flowed.
 */
async function peakGrowth(paused: () => boolean, run: () => Promise<void>): Promise<{ arrayBuffers: number; samples: number }> {
  gc()
  const base = process.memoryUsage()
  let arrayBuffers = 0
  let samples = 0
  const timer = setInterval(() => {
    if (!paused()) return
    gc()
    const m = process.memoryUsage()
    samples++
    arrayBuffers = Math.max(arrayBuffers, m.arrayBuffers - base.arrayBuffers)
  }, 20)
  try {
    await run()
  } finally {
    clearInterval(timer)
  }
  return { arrayBuffers, samples }
}

describe('streaming and load', () => {
  test('a 50 MiB upload and a 50 MiB download stream through with bounded memory', async () => {
    let pausedAt: number | undefined
    const pauseFor = (stream: Readable, ms: number) => {
      stream.pause()
      pausedAt = performance.now()
      setTimeout(() => {
        pausedAt = undefined
        stream.resume()
      }, ms)
    }
    const up = await fixture('127.0.0.3', (req, res) => {
      if (req.method === 'POST') {
        let n = 0
        // Read nothing for a while: without backpressure the interceptor would buffer the upload.
        pauseFor(req, 400)
        req.on('data', (c: Buffer) => (n += c.length))
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ received: n }))
        })
      } else {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': TOTAL })
        bigBody().pipe(res)
      }
    })
    const i = await start({ upstreams: [{ name: 'files', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })

    const growth = await peakGrowth(() => pausedAt !== undefined && performance.now() - pausedAt > 100, async () => {
      const uploaded = await new Promise<string>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: i.http, method: 'POST', path: '/upload', headers: { host: 'files', 'content-type': 'application/json' }, agent: false }, (res) => {
          let text = ''
          res.on('data', (c: Buffer) => (text += c.toString()))
          res.on('end', () => resolve(text))
        })
        req.on('error', reject)
        bigBody().pipe(req)
      })
      expect(JSON.parse(uploaded)).toEqual({ received: TOTAL })

      const downloaded = await new Promise<number>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: i.http, path: '/download', headers: { host: 'files' }, agent: false }, (res) => {
            let n = 0
            pauseFor(res, 400)
            res.on('data', (c: Buffer) => (n += c.length))
            res.on('end', () => resolve(n))
          })
          .on('error', reject)
      })
      expect(downloaded).toBe(TOTAL)
    })
    expect(growth.samples).toBeGreaterThan(10)
    expect(growth.arrayBuffers).toBeLessThan(20 * MiB)

    const [upload, download] = await waitForRecords(i, 2)
    // A JSON body over the cap is kept as its text head.
    expect(upload!.request).toMatchObject({ size: TOTAL, truncated: true, encoding: 'text' })
    expect((upload!.request.body as string).length).toBe(MiB)
    expect(upload!.response).toMatchObject({ status: 200, body: { received: TOTAL } })
    expect(download!.response).toMatchObject({ size: TOTAL, truncated: true, encoding: 'base64' })
  }, 60_000)

  test('500 concurrent requests from several addresses: no lost, duplicated or misattributed record', async () => {
    const a = await fixture('127.0.0.10', echoHandler('alpha'))
    const b = await fixture('127.0.0.11', echoHandler('beta'))
    const callers = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6']
    const i = await start({
      topology: callers.map((address, n) => ({ name: `svc-${n}`, addresses: [address] })),
      upstreams: [
        { name: 'alpha', port: 0, upstream: { host: '127.0.0.10', port: a.port } },
        { name: 'beta', port: 0, upstream: { host: '127.0.0.11', port: b.port } },
      ],
      mocks: [{ name: 'ext', target: 'api.example.com', path: '/req/*', method: '*', origin: '*', status: 200, body: 'mocked', delayMs: 0 }],
    })
    const targets = ['alpha', 'beta', 'api.example.com']
    const plan = Array.from({ length: 500 }, (_, id) => ({ id, from: callers[id % callers.length]!, host: targets[id % 3]! }))
    const replies = await Promise.all(plan.map((p) => call({ port: i.http, from: p.from, host: p.host, method: 'POST', path: `/req/${p.id}`, body: JSON.stringify({ id: p.id }), headers: { 'content-type': 'application/json' } })))
    replies.forEach((r, id) => {
      expect(r.status).toBe(200)
      if (id % 3 !== 2) expect(JSON.parse(r.text).url).toBe(`/req/${id}`)
    })

    const list = await waitForRecords(i, 500)
    expect(list.map((r) => r.seq)).toEqual(Array.from({ length: 500 }, (_, n) => n + 1))
    const byId = new Map(list.map((r) => [Number(r.path.split('/')[2]), r]))
    expect(byId.size).toBe(500)
    for (const p of plan) {
      const r = byId.get(p.id)!
      expect(r.origin).toBe(`svc-${callers.indexOf(p.from)}`)
      expect(r.target).toBe(p.host)
      expect(r.request.body).toEqual({ id: p.id })
      if (p.id % 3 === 2) expect(r).toMatchObject({ outcome: 'mocked', response: { body: 'mocked' } })
      else expect(r).toMatchObject({ outcome: 'proxied', response: { body: { url: `/req/${p.id}`, name: p.host } } })
    }
    const status = (await (await fetch(`${i.controlUrl}/status`)).json()) as { inFlight: number; lastSeq: number }
    expect(status).toMatchObject({ inFlight: 0, lastSeq: 500 })
  }, 30_000)
})
