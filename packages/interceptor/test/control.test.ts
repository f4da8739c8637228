import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net, { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { describe, expect, onTestFinished, test } from 'vitest'
import type { InterceptorHealth, InterceptorStatus, TrafficRecord } from '../src/index.js'
import { call, echoHandler, fixture, getJson, postJson, start, testCa, waitForRecords } from './_helpers.js'

/** Sends raw bytes and returns everything the server answers until it closes. */
function raw(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes))
    let out = ''
    socket.on('data', (c) => (out += c.toString()))
    socket.on('close', () => resolve(out))
    socket.on('error', reject)
  })
}

/** Reads the NDJSON feed until `count` records arrived. */
function stream(controlUrl: string, after: number, count: number): { records: Promise<TrafficRecord[]>; close: () => void } {
  const req = http.get(`${controlUrl}/records/stream?after=${after}`)
  const records = new Promise<TrafficRecord[]>((resolve, reject) => {
    req.on('response', (res) => {
      expect(res.headers['content-type']).toBe('application/x-ndjson')
      const list: TrafficRecord[] = []
      let buffer = ''
      res.on('data', (c: Buffer) => {
        buffer += c.toString()
        let nl: number
        while ((nl = buffer.indexOf('\n')) !== -1) {
          list.push(JSON.parse(buffer.slice(0, nl)) as TrafficRecord)
          buffer = buffer.slice(nl + 1)
          if (list.length === count) resolve(list)
        }
      })
    })
    req.on('error', reject)
  })
  return { records, close: () => req.destroy() }
}

describe('control API', () => {
  test('health, status (inFlight and idleMs), steps, 404 and 405', async () => {
    const i = await start({ mocks: [{ name: 'slow', target: '*', path: '*', method: '*', origin: '*', status: 200, delayMs: 300 }] })
    const health = await getJson<InterceptorHealth>(`${i.controlUrl}/health`)
    expect(health).toMatchObject({ ok: true, version: expect.any(String), ports: { ingress: i.ports.ingress, control: i.ports.control, http: { 0: i.http }, tls: { 0: i.tls } } })

    const pending = call({ port: i.http, host: 'x' })
    await new Promise((r) => setTimeout(r, 100))
    expect(await getJson<InterceptorStatus>(`${i.controlUrl}/status`)).toMatchObject({ inFlight: 1, lastSeq: 1, step: 0 })
    await pending
    const s1 = await getJson<InterceptorStatus>(`${i.controlUrl}/status`)
    expect(s1.inFlight).toBe(0)
    await new Promise((r) => setTimeout(r, 120))
    const s2 = await getJson<InterceptorStatus>(`${i.controlUrl}/status`)
    expect(s2.idleMs).toBeGreaterThanOrEqual(s1.idleMs + 100)

    expect(await postJson(`${i.controlUrl}/steps`, { step: 2 })).toEqual({ status: 200, json: { lastSeq: 1 } })
    expect((await getJson<InterceptorStatus>(`${i.controlUrl}/status`)).step).toBe(2)
    expect((await postJson(`${i.controlUrl}/steps`, { step: 'two' })).status).toBe(400)
    expect((await fetch(`${i.controlUrl}/nope`)).status).toBe(404)
    expect((await fetch(`${i.controlUrl}/steps`)).status).toBe(405)
    expect((await fetch(`${i.controlUrl}/records?after=-1`)).status).toBe(400)
  })

  test('a connection that has not sent its request yet (TLS handshake, certificate minting) counts as in flight, for at most 1 s', async () => {
    const i = await start()
    const status = () => getJson<InterceptorStatus>(`${i.controlUrl}/status`)
    const opened = async (port: number) => {
      const socket = net.connect(port, '127.0.0.1')
      await new Promise((r) => socket.once('connect', r))
      await new Promise((r) => setTimeout(r, 30))
      return socket
    }
    // A raw connection to the TLS port: the handshake has not even started.
    const tlsSocket = await opened(i.tls)
    const during = await status()
    expect(during.inFlight).toBe(1)
    expect(during.idleMs).toBeLessThan(1000)
    tlsSocket.destroy()
    await new Promise((r) => setTimeout(r, 50))
    expect((await status()).inFlight).toBe(0)

    // An idle preconnect cannot hold quiescence forever.
    const idle = await opened(i.http)
    expect((await status()).inFlight).toBe(1)
    await new Promise((r) => setTimeout(r, 1050))
    expect((await status()).inFlight).toBe(0)
    idle.destroy()

    // A full HTTPS exchange settles both the raw socket and the TLS socket it became.
    const ca = (await testCa()).certPem
    const reply = await new Promise<number>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: i.tls, servername: 'api.example.com', headers: { host: 'api.example.com' }, ca, agent: new https.Agent({ keepAlive: true }) }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode!))
      })
      req.on('error', reject)
      req.end()
    })
    expect(reply).toBe(502)
    expect((await status()).inFlight).toBe(0)
  })

  test('PUT /config replaces mocks and upstreams and opens new upstream ports', async () => {
    const up = await fixture('127.0.0.3', echoHandler('late'))
    const i = await start()
    expect((await call({ port: i.http, host: 'late-service' })).status).toBe(502)

    const probe = net.createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const newPort = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))

    const put = await postJson(
      `${i.controlUrl}/config`,
      {
        upstreams: [{ name: 'late-service', port: newPort, upstream: { host: '127.0.0.3', port: up.port } }],
        mocks: [{ name: 'm', target: 'api.example.com', path: '*', method: '*', origin: '*', status: 418, delayMs: 0 }],
        topology: [{ name: 'caller', addresses: ['127.0.0.2'] }],
      },
      'PUT',
    )
    expect(put.status).toBe(204)
    expect(JSON.parse((await call({ port: newPort, host: 'late-service', from: '127.0.0.2' })).text).name).toBe('late')
    expect((await call({ port: i.http, host: 'api.example.com' })).status).toBe(418)
    expect(i.ports.http[newPort]).toBe(newPort)
    const list = await waitForRecords(i, 3)
    expect(list[1]).toMatchObject({ origin: 'caller', port: newPort, outcome: 'proxied' })

    const bad = await postJson(`${i.controlUrl}/config`, { externalTraffic: 'maybe' }, 'PUT')
    expect(bad).toEqual({ status: 400, json: { error: '[dokkimi] [interceptor] invalid configuration: externalTraffic "maybe" must be "block" or "passthrough"' } })
  })

  test('/records/stream: backlog then live records, none lost or repeated when it connects mid-traffic', async () => {
    const up = await fixture('127.0.0.3', (req, res) => {
      req.resume()
      // Vary the latency so completion order differs from arrival order.
      setTimeout(() => res.end('ok'), Math.floor(Math.random() * 15))
    })
    const i = await start({ upstreams: [{ name: 'svc', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 })
    onTestFinished(() => agent.destroy())
    const fire = (from: number, n: number) => Promise.all(Array.from({ length: n }, (_, k) => call({ port: i.http, host: 'svc', path: `/r/${from + k}`, agent })))

    const first = fire(0, 150)
    await new Promise((r) => setTimeout(r, 20))
    const feed = stream(i.controlUrl, 0, 300)
    const all = feed.records
    const second = fire(150, 150)
    await Promise.all([first, second])
    const got = await all
    feed.close()
    expect(got.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, n) => n + 1))
    expect(new Set(got.map((r) => r.path)).size).toBe(300)

    const late = stream(i.controlUrl, 290, 10)
    const tail = await late.records
    late.close()
    expect(tail.map((r) => r.seq)).toEqual([291, 292, 293, 294, 295, 296, 297, 298, 299, 300])
    expect((await getJson<TrafficRecord[]>(`${i.controlUrl}/records?after=295`)).map((r) => r.seq)).toEqual([296, 297, 298, 299, 300])
  })

  test('malformed requests get 400 and a bad-request record; the process keeps serving', async () => {
    const up = await fixture('127.0.0.3', echoHandler('ok'))
    const i = await start({ upstreams: [{ name: 'svc', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })
    expect(await raw(i.http, '\x00\x01garbage\xff\r\n\r\n')).toMatch(/^HTTP\/1.1 400 Bad Request/)
    expect(await raw(i.http, 'GET / HTTP/1.1\r\nHost: svc\r\nBad Header: y\r\n\r\n')).toMatch(/^HTTP\/1.1 400/)
    expect(await raw(i.http, 'GET / HTTP/1.1\r\nHost: svc\r\nContent-Length: nope\r\n\r\n')).toMatch(/^HTTP\/1.1 400/)
    expect(await raw(i.ports.ingress, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1.1 400/)
    await raw(i.tls, 'GET / HTTP/1.1\r\n\r\n') // not TLS: dropped
    await raw(i.http, '')
    expect((await call({ port: i.http, host: 'svc', path: '/after' })).status).toBe(200)
    const list = await waitForRecords(i, 5)
    expect(list.map((r) => r.outcome)).toEqual(['bad-request', 'bad-request', 'bad-request', 'bad-request', 'proxied'])
    expect(list[0]).toMatchObject({ response: { status: 400 }, origin: 'unknown:127.0.0.1' })
    expect(list[0]!.error).toMatch(/^HPE_/)
    expect(list[3]!.origin).toBe('test')
  })

  test('WebSocket upgrade passes through both ways and is recorded with status 101', async () => {
    const up = await fixture('127.0.0.3', (_req, res) => res.end())
    let upstreamSocket: Duplex | undefined
    up.server.on('upgrade', (req, socket: Duplex) => {
      upstreamSocket = socket
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Path: ${req.url}\r\n\r\n`)
      socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])))
      socket.on('end', () => socket.end())
    })
    const i = await start({ upstreams: [{ name: 'ws-service', port: 0, upstream: { host: '127.0.0.3', port: up.port } }] })
    const { socket, headers } = await new Promise<{ socket: net.Socket; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: i.http, path: '/socket?room=1', headers: { host: 'ws-service', connection: 'Upgrade', upgrade: 'websocket' }, agent: false })
      req.on('upgrade', (res, s) => resolve({ socket: s, headers: res.headers }))
      req.on('error', reject)
      req.end()
    })
    expect(headers['x-path']).toBe('/socket?room=1')
    const echoed = await new Promise<string>((resolve) => {
      socket.once('data', (d) => resolve(d.toString()))
      socket.write('hello')
    })
    expect(echoed).toBe('echo:hello')
    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({ outcome: 'proxied', target: 'ws-service', response: { status: 101 } })
    expect((await getJson<InterceptorStatus>(`${i.controlUrl}/status`)).inFlight).toBe(0)
    // Closing the client end closes the upstream end too.
    const upstreamClosed = new Promise<void>((resolve) => upstreamSocket!.once('close', () => resolve()))
    socket.end()
    await upstreamClosed
  })

  test('the program starts from a config file, logs one listening line and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interceptor-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ host: '127.0.0.1', httpPorts: [0], tlsPorts: [0], ingressPort: 0, controlPort: 0, ca: await testCa(), topology: [], upstreams: [], mocks: [] }))
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@dokkimi/source', main], {
      env: { ...process.env, DOKKIMI_INTERCEPTOR_CONFIG: file, DOKKIMI_INTERCEPTOR_LOG: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    onTestFinished(() => void child.kill('SIGKILL'))
    let stderr = ''
    const listening = await new Promise<{ msg: string; controlUrl: string }>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        const line = stderr.split('\n').find((l) => l.includes('"listening"'))
        if (line) resolve(JSON.parse(line) as { msg: string; controlUrl: string })
      })
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)))
    })
    expect(listening.msg).toBe('listening')
    expect((await getJson<InterceptorHealth>(`${listening.controlUrl}/health`)).ok).toBe(true)
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
  })
})
