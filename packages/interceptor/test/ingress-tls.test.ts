import http from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import tls from 'node:tls'
import { describe, expect, test } from 'vitest'
import type { MockRule } from '../src/index.js'
import { echoHandler, fixture, start, testCa, waitForRecords, type Reply } from './_helpers.js'

const stripe: MockRule = { name: 'mock-stripe', target: 'api.stripe.com', path: '/v1/charges', method: 'POST', origin: '*', status: 200, body: { id: 'ch_1' }, delayMs: 0 }

/** Opens a CONNECT tunnel through the ingress, as undici's ProxyAgent does for every request. */
function connect(ingressPort: number, authority: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: ingressPort, method: 'CONNECT', path: authority, agent: false })
    req.on('connect', (res, socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error(`CONNECT ${res.statusCode}`))))
    req.on('error', reject)
    req.end()
  })
}

/** One HTTP/1.1 request over an already connected socket. */
function over(socket: Socket, options: http.RequestOptions, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...options, createConnection: () => socket }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const b = Buffer.concat(chunks)
        resolve({ status: res.statusCode!, headers: res.headers, body: b, text: b.toString() })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

function tlsOver(socket: Socket, servername: string, ca: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ socket, servername, ca, ALPNProtocols: ['http/1.1'] }, () => resolve(s))
    s.on('error', reject)
  })
}

describe('ingress (forward proxy) and TLS', () => {
  test('absolute-form request through the ingress has origin test', async () => {
    const order = await fixture('127.0.0.3', echoHandler('order'))
    const i = await start({ upstreams: [{ name: 'order-service', port: 0, upstream: { host: '127.0.0.3', port: order.port } }] })
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: i.ports.ingress, path: 'http://order-service:3000/api/orders?limit=2', headers: { host: 'order-service:3000' }, agent: false }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), text: Buffer.concat(chunks).toString() }))
      })
      req.on('error', reject)
      req.end()
    })
    expect(JSON.parse(reply.text)).toMatchObject({ name: 'order', url: '/api/orders?limit=2' })
    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({ origin: 'test', target: 'order-service', port: 3000, url: 'http://order-service/api/orders?limit=2', path: '/api/orders', outcome: 'proxied', tls: false })
  })

  test('CONNECT with plain HTTP inside the tunnel (how undici proxies http targets)', async () => {
    const order = await fixture('127.0.0.3', echoHandler('order'))
    const i = await start({ upstreams: [{ name: 'order-service', port: 0, upstream: { host: '127.0.0.3', port: order.port } }] })
    const socket = await connect(i.ports.ingress, 'order-service:3000')
    const reply = await over(socket, { method: 'POST', path: '/api/orders', headers: { host: 'order-service:3000', 'content-type': 'application/json' } }, '{"sku":"A1"}')
    socket.destroy()
    expect(JSON.parse(reply.text)).toMatchObject({ name: 'order', method: 'POST', body: '{"sku":"A1"}' })
    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({ origin: 'test', target: 'order-service', port: 3000, tls: false, request: { body: { sku: 'A1' } }, outcome: 'proxied' })
  })

  test('CONNECT + TLS to a mocked host, trusted through the environment CA', async () => {
    const ca = await testCa()
    const i = await start({ mocks: [stripe] })
    const socket = await connect(i.ports.ingress, 'api.stripe.com:443')
    const secure = await tlsOver(socket, 'api.stripe.com', ca.certPem)
    expect(secure.authorized).toBe(true)
    expect(secure.getPeerCertificate().subjectaltname).toBe('DNS:api.stripe.com')
    const reply = await over(secure, { method: 'POST', path: '/v1/charges', headers: { host: 'api.stripe.com', 'content-type': 'application/x-www-form-urlencoded' } }, 'amount=100')
    secure.destroy()
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.text)).toEqual({ id: 'ch_1' })
    expect(reply.headers['x-mocked']).toBe('true')
    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({ origin: 'test', target: 'api.stripe.com', port: 443, tls: true, url: 'http://api.stripe.com/v1/charges', outcome: 'mocked', mock: 'mock-stripe', request: { body: { amount: '100' } } })
  })

  test('CONNECT + TLS without SNI uses the CONNECT host for the certificate', async () => {
    const ca = await testCa()
    const i = await start({ mocks: [{ ...stripe, method: '*' }] })
    const socket = await connect(i.ports.ingress, 'api.stripe.com:443')
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      // No servername: verify the certificate by hand against the expected name.
      const s = tls.connect({ socket, ca: ca.certPem, checkServerIdentity: (_host, cert) => (cert.subjectaltname === 'DNS:api.stripe.com' ? undefined : new Error(cert.subjectaltname)) }, () => resolve(s))
      s.on('error', reject)
    })
    expect(secure.authorized).toBe(true)
    const reply = await over(secure, { path: '/v1/charges', headers: { host: 'api.stripe.com' } })
    secure.destroy()
    expect(reply.status).toBe(200)
  })

  test('the TLS port terminates with a leaf for the SNI; same name twice shares one certificate', async () => {
    const ca = await testCa()
    const i = await start({ mocks: [stripe] })
    const fingerprints: string[] = []
    const request = () =>
      new Promise<Reply>((resolve, reject) => {
        const req = https.request(
          { host: '127.0.0.1', port: i.tls, servername: 'api.stripe.com', ca: ca.certPem, method: 'POST', path: '/v1/charges', headers: { host: 'api.stripe.com' }, agent: false },
          (res) => {
            fingerprints.push((res.socket as tls.TLSSocket).getPeerCertificate().fingerprint256)
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), text: Buffer.concat(chunks).toString() }))
          },
        )
        req.on('error', reject)
        req.end('{}')
      })
    const [a, b] = await Promise.all([request(), request()])
    expect(a!.status).toBe(200)
    expect(JSON.parse(b!.text)).toEqual({ id: 'ch_1' })
    expect(fingerprints[0]).toBe(fingerprints[1])
    const list = await waitForRecords(i, 2)
    expect(list.map((r) => [r.tls, r.outcome, r.target, r.port])).toEqual([
      [true, 'mocked', 'api.stripe.com', i.tls],
      [true, 'mocked', 'api.stripe.com', i.tls],
    ])
  })

  test('a SERVICE called over TLS (https://payment-service) is forwarded to its plain upstream', async () => {
    const ca = await testCa()
    const pay = await fixture('127.0.0.3', echoHandler('payment'))
    const i = await start({ upstreams: [{ name: 'payment-service', port: 0, upstream: { host: '127.0.0.3', port: pay.port } }] })
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: i.tls, servername: 'payment-service', ca: ca.certPem, path: '/health', headers: { host: 'payment-service' }, agent: false }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), text: Buffer.concat(chunks).toString() }))
      })
      req.on('error', reject)
      req.end()
    })
    expect(JSON.parse(reply.text)).toMatchObject({ name: 'payment', url: '/health' })
    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({ tls: true, outcome: 'proxied', url: 'http://payment-service/health' })
  })
})
