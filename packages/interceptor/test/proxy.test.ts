import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { call, echoHandler, fixture, postJson, start, waitForRecords } from './_helpers.js'

describe('reverse proxy', () => {
  test('captures a service-to-service call with origin, target, url, JSON bodies and the step id', async () => {
    const pay = await fixture('127.0.0.3', echoHandler('payment'))
    const i = await start({
      topology: [
        { name: 'order-service', addresses: ['127.0.0.2'] },
        { name: 'payment-service', addresses: ['127.0.0.3'] },
      ],
      upstreams: [{ name: 'payment-service', port: 0, upstream: { host: '127.0.0.3', port: pay.port } }],
    })
    expect(await postJson(`${i.controlUrl}/steps`, { step: 3 })).toEqual({ status: 200, json: { lastSeq: 0 } })

    const reply = await call({
      port: i.http,
      from: '127.0.0.2',
      host: 'payment-service',
      method: 'POST',
      path: '/v1/pay?x=1',
      headers: { 'content-type': 'application/json', 'X-Trace': 'abc' },
      body: '{"amount":42,"currency":"EUR"}',
    })
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.text)).toMatchObject({ name: 'payment', method: 'POST', url: '/v1/pay?x=1', host: 'payment-service', body: '{"amount":42,"currency":"EUR"}' })

    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({
      seq: 1,
      step: 3,
      origin: 'order-service',
      target: 'payment-service',
      tls: false,
      method: 'POST',
      url: 'http://payment-service/v1/pay?x=1',
      path: '/v1/pay',
      outcome: 'proxied',
      request: { body: { amount: 42, currency: 'EUR' }, encoding: 'json', size: 30, truncated: false },
      response: { status: 200, encoding: 'json', truncated: false },
    })
    expect(record!.request.headers['x-trace']).toBe('abc')
    expect(record!.response!.headers['content-type']).toBe('application/json')
    expect(record!.response!.body).toMatchObject({ name: 'payment' })
    expect(record!.durationMs).toBeGreaterThan(0)
    expect(Math.abs(record!.startedAt - Date.now())).toBeLessThan(10_000)
    expect(await postJson(`${i.controlUrl}/steps`, { step: 4 })).toEqual({ status: 200, json: { lastSeq: 1 } })
  })

  test('parses form bodies (repeated keys become arrays), keeps text, base64 for binary; unknown origin', async () => {
    const up = await fixture('127.0.0.3', (req, res) => {
      req.resume()
      req.on('end', () => {
        if (req.url === '/bin') {
          res.writeHead(200, { 'content-type': 'application/octet-stream' })
          res.end(Buffer.from([0, 1, 2, 255]))
        } else {
          res.writeHead(201, { 'content-type': 'text/plain' })
          res.end('created')
        }
      })
    })
    const i = await start({ upstreams: [{ name: 'forms', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })
    await call({ port: i.http, from: '127.0.0.9', host: 'forms', method: 'POST', path: '/form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=two+words&a=3' })
    await call({ port: i.http, from: '127.0.0.9', host: 'forms', path: '/bin' })
    const [form, bin] = await waitForRecords(i, 2)
    expect(form).toMatchObject({
      origin: 'unknown:127.0.0.9',
      request: { encoding: 'form', body: { a: ['1', '3'], b: 'two words' } },
      response: { status: 201, encoding: 'text', body: 'created' },
    })
    expect(bin!.response).toMatchObject({ encoding: 'base64', body: Buffer.from([0, 1, 2, 255]).toString('base64'), size: 4 })
    expect(bin!.request).toMatchObject({ encoding: 'empty', size: 0 })
  })

  test('takes the upstream by name whatever port the call came in on, and the Host port into the record', async () => {
    const a = await fixture('127.0.0.3', echoHandler('a'))
    const b = await fixture('127.0.0.4', echoHandler('b'))
    const j = await start({
      upstreams: [
        { name: 'svc', port: 0, upstream: { host: '127.0.0.3', port: a.port } },
        { name: 'other', port: 0, upstream: { host: '127.0.0.4', port: b.port } },
      ],
    })
    expect(JSON.parse((await call({ port: j.http, host: 'svc:3000', path: '/x' })).text).name).toBe('a')
    expect(JSON.parse((await call({ port: j.http, host: 'other', path: '/x' })).text).name).toBe('b')
    const [first, second] = await waitForRecords(j, 2)
    expect(first).toMatchObject({ target: 'svc', port: 3000, url: 'http://svc/x' })
    expect(second).toMatchObject({ target: 'other', port: j.http })
  })

  test('records a gzip response decoded while the client receives the gzip bytes', async () => {
    const payload = JSON.stringify({ items: Array.from({ length: 200 }, (_, n) => ({ n, name: `item ${n}` })) })
    const gz = gzipSync(payload)
    const up = await fixture('127.0.0.3', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': gz.length })
      res.end(gz)
    })
    const i = await start({ upstreams: [{ name: 'zipped', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })
    const reply = await call({ port: i.http, host: 'zipped', path: '/list' })
    expect(reply.headers['content-encoding']).toBe('gzip')
    expect(reply.body.equals(gz)).toBe(true)
    const [record] = await waitForRecords(i, 1)
    expect(record!.response).toMatchObject({ encoding: 'json', size: Buffer.byteLength(payload), truncated: false })
    expect((record!.response!.body as { items: unknown[] }).items).toHaveLength(200)
    expect(record!.response!.headers['content-encoding']).toBe('gzip')
  })

  test('never follows redirects and passes repeated response headers through', async () => {
    const up = await fixture('127.0.0.3', (_req, res) => {
      res.writeHead(302, [['Location', 'http://elsewhere/x'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']].flat())
      res.end()
    })
    const i = await start({ upstreams: [{ name: 'redir', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })
    const reply = await call({ port: i.http, host: 'redir' })
    expect(reply.status).toBe(302)
    expect(reply.headers.location).toBe('http://elsewhere/x')
    expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2'])
    const [record] = await waitForRecords(i, 1)
    expect(record!.response!.headers['set-cookie']).toBe('a=1, b=2')
  })

  test('an unreachable upstream is answered 502 and recorded as error', async () => {
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.3', r))
    const deadPort = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const i = await start({ upstreams: [{ name: 'dead', port: 0, upstream: { host: '127.0.0.3', port: deadPort } }] })
    const reply = await call({ port: i.http, host: 'dead', path: '/x' })
    expect(reply.status).toBe(502)
    expect(reply.text).toContain('ECONNREFUSED')
    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({ outcome: 'error', target: 'dead' })
    expect(record!.error).toContain('ECONNREFUSED')
    expect(record!.response).toBeUndefined()
  })

  test('externalTraffic passthrough forwards an unknown host to the real address', async () => {
    const real = await fixture('127.0.0.7', echoHandler('real'))
    const i = await start({ externalTraffic: 'passthrough' })
    const reply = await call({ port: i.http, host: `127.0.0.7:${real.port}`, path: '/ext' })
    expect(JSON.parse(reply.text).name).toBe('real')
    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({ outcome: 'passthrough', target: '127.0.0.7', port: real.port, url: 'http://127.0.0.7/ext' })
  })

  test('keep-alive clients reuse one connection for many calls', async () => {
    const up = await fixture('127.0.0.3', echoHandler('ka'))
    const i = await start({ upstreams: [{ name: 'ka', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    let connections = 0
    up.server.on('connection', () => connections++)
    for (let n = 0; n < 20; n++) expect((await call({ port: i.http, host: 'ka', path: `/${n}`, agent })).status).toBe(200)
    agent.destroy()
    expect(connections).toBe(1)
    expect((await waitForRecords(i, 20)).map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1))
  })
})
