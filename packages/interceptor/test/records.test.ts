import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { BodyCapture, recordBody } from '../src/_body-capture.js'
import { Recorder } from '../src/_recorder.js'
import type { TrafficRecord } from '../src/index.js'
import { call, fixture, start, waitForRecords } from './_helpers.js'

function capture(data: Buffer, limit: number, encoding?: string, contentType?: string): Promise<ReturnType<BodyCapture['result']>> {
  const c = new BodyCapture(limit, encoding)
  for (let off = 0; off < data.length; off += 7) c.write(data.subarray(off, off + 7))
  return new Promise((resolve) => c.close(() => resolve(c.result(contentType))))
}

describe('recorded bodies', () => {
  test('JSON by content type or by shape, form, text, base64, empty', () => {
    const b = (s: string | Buffer, type?: string) => recordBody(Buffer.from(s), Buffer.from(s).length, false, type)
    expect(b('{"a":[1,2]}', 'application/json; charset=utf-8')).toEqual({ body: { a: [1, 2] }, encoding: 'json', size: 11, truncated: false })
    expect(b('{"a":1}', 'application/problem+json').encoding).toBe('json')
    expect(b(' [1] ').body).toEqual([1])
    expect(b('{not json', 'application/json')).toMatchObject({ encoding: 'text', body: '{not json' })
    const form = b('x=1&x=2&y=%C3%A9&__proto__=z', 'application/x-www-form-urlencoded')
    expect(form.encoding).toBe('form')
    expect(JSON.stringify(form.body)).toBe('{"x":["1","2"],"y":"é","__proto__":"z"}')
    expect(b('héllo', 'text/plain')).toMatchObject({ encoding: 'text', body: 'héllo' })
    expect(b('<a/>')).toMatchObject({ encoding: 'text' })
    expect(b(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]))).toMatchObject({ encoding: 'base64', body: 'iVBORwAB' })
    expect(b('{"a":1}', 'image/png').encoding).toBe('base64')
    expect(recordBody(Buffer.alloc(0), 0, false, 'application/json')).toEqual({ body: undefined, encoding: 'empty', size: 0, truncated: false })
  })

  test('capture cap: size counts everything, an over-cap JSON body is kept as its text head', async () => {
    const json = Buffer.from(JSON.stringify({ data: 'é'.repeat(100) }))
    const r = await capture(json, 21, undefined, 'application/json')
    expect(r).toMatchObject({ encoding: 'text', size: json.length, truncated: true })
    expect(r.body).toBe(json.subarray(0, 21).toString())
  })

  test('gzip, deflate and br are decoded for the record; undecodable bytes fall back to the raw body', async () => {
    const text = JSON.stringify({ hello: 'world'.repeat(50) })
    for (const [encoding, bytes] of [['gzip', gzipSync(text)], ['deflate', deflateSync(text)], ['br', brotliCompressSync(text)]] as const) {
      expect(await capture(bytes, 1024 * 1024, encoding, 'application/json')).toEqual({ body: JSON.parse(text), encoding: 'json', size: text.length, truncated: false })
    }
    const truncated = await capture(gzipSync('x'.repeat(5000)), 100, 'gzip', 'text/plain')
    expect(truncated).toMatchObject({ size: 5000, truncated: true, body: 'x'.repeat(100) })
    const broken = await capture(Buffer.from('definitely not gzip'), 1024, 'gzip', 'text/plain')
    expect(broken).toMatchObject({ encoding: 'text', body: 'definitely not gzip' })
  })

  test('a small captureLimitBytes applies to requests and responses through the proxy', async () => {
    const up = await fixture('127.0.0.3', (req, res) => {
      req.resume()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ big: 'y'.repeat(500) }))
    })
    const i = await start({ captureLimitBytes: 64, upstreams: [{ name: 'svc', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })
    const reply = await call({ port: i.http, host: 'svc', method: 'POST', body: JSON.stringify({ big: 'x'.repeat(500) }), headers: { 'content-type': 'application/json' } })
    expect(reply.text.length).toBe(510)
    const [r] = await waitForRecords(i, 1)
    expect(r!.request).toMatchObject({ encoding: 'text', size: 510, truncated: true })
    expect((r!.request.body as string).length).toBe(64)
    expect(r!.response).toMatchObject({ encoding: 'text', size: 510, truncated: true })
  })
})

describe('recorder', () => {
  const record = (seq: number, body: string): TrafficRecord => ({
    seq,
    step: 0,
    origin: 'a',
    target: 'b',
    port: 80,
    tls: false,
    method: 'GET',
    url: 'http://b/',
    path: '/',
    request: { headers: {}, body, encoding: 'text', size: body.length, truncated: false },
    outcome: 'proxied',
    startedAt: 0,
    durationMs: 1,
  })

  test('seq at arrival, records by seq, listeners in completion order', () => {
    const r = new Recorder()
    const seen: number[] = []
    r.listen((line) => seen.push((JSON.parse(line) as TrafficRecord).seq))
    const a = r.begin()
    const b = r.begin()
    expect([a, b, r.inFlight]).toEqual([1, 2, 2])
    r.complete(b, () => record(b, 'x'), 1)
    expect(r.linesAfter(0).map((l) => (JSON.parse(l) as TrafficRecord).seq)).toEqual([2])
    r.complete(a, () => record(a, 'y'), 1)
    expect(r.linesAfter(0).map((l) => (JSON.parse(l) as TrafficRecord).seq)).toEqual([1, 2])
    expect(seen).toEqual([2, 1])
    expect(r.inFlight).toBe(0)
  })

  test('over the memory cap, the oldest records lose their bodies first', () => {
    const r = new Recorder(20_000)
    for (let n = 0; n < 20; n++) {
      const seq = r.begin()
      r.complete(seq, () => record(seq, 'z'.repeat(2000)), 2000)
    }
    const all = r.linesAfter(0).map((l) => JSON.parse(l) as TrafficRecord)
    expect(all).toHaveLength(20)
    expect(all[0]).toMatchObject({ bodiesDropped: true, request: { size: 2000, truncated: true } })
    expect(all[0]!.request.body).toBeUndefined()
    expect(all[19]!.request.body).toBe('z'.repeat(2000))
    expect(all[19]!.bodiesDropped).toBeUndefined()
  })
})
