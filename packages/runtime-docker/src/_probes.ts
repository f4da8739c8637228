// Readiness probes (ReadyCheck): an HTTP GET answered 2xx/3xx, a TCP connect, a DNS answer, or an
// authenticated query through core's database clients. Each returns what it saw, for failure messages.
import dgram from 'node:dgram'
import http from 'node:http'
import net from 'node:net'
import { openDatabase, type DatabaseItem, type PlannedDatabase } from '@dokkimi/core'

export type ProbeResult =
  | { ok: true }
  /** `seen` describes the last observation: `answered 500: <body>` or `ECONNREFUSED`. */
  | { ok: false; seen: string; status?: number; body?: string }

const BODY_LIMIT = 200

export function probeHttp(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path, agent: false, timeout: timeoutMs, headers: { 'user-agent': 'dokkimi-health' } }, (res) => {
      const status = res.statusCode ?? 0
      if (status >= 200 && status < 400) {
        res.resume()
        return resolve({ ok: true })
      }
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        if (body.length < BODY_LIMIT * 2) body += chunk
      })
      const done = () => {
        const text = body.length > BODY_LIMIT ? `${body.slice(0, BODY_LIMIT)}…` : body
        resolve({ ok: false, seen: `answered ${status}${text ? `: ${text.replace(/\s+/g, ' ').trim()}` : ''}`, status, body: text })
      }
      res.on('end', done)
      res.on('error', done)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, seen: error.code ?? error.message }))
  })
}

export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs })
    socket.once('connect', () => {
      socket.destroy()
      resolve({ ok: true })
    })
    socket.once('timeout', () => socket.destroy(new Error(`no connection within ${timeoutMs} ms`)))
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, seen: error.code ?? error.message }))
  })
}

/** Sends one A query over UDP; ready when a response with the query's id comes back. */
export function probeDns(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 0x10000)
    // Header (id, RD flag, one question) + `dokkimi-ready.test` IN A.
    const name = Buffer.concat(['dokkimi-ready', 'test'].map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])))
    const query = Buffer.concat([Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0, 0, 1, 0, 1])])
    const socket = dgram.createSocket('udp4')
    let settled = false
    const done = (result: ProbeResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.close()
      resolve(result)
    }
    const timer = setTimeout(() => done({ ok: false, seen: `no DNS answer within ${timeoutMs} ms` }), timeoutMs)
    socket.on('message', (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) done({ ok: true })
    })
    // Connected, so that an ICMP port-unreachable surfaces as ECONNREFUSED at once.
    socket.on('error', (error: NodeJS.ErrnoException) => done({ ok: false, seen: `DNS ${error.code ?? error.message}` }))
    socket.connect(port, host, () => socket.send(query))
  })
}

const READY_QUERY: Record<PlannedDatabase['engine'], string> = {
  postgres: 'SELECT 1',
  mysql: 'SELECT 1',
  redis: 'PING',
  mongodb: '{"operation": "find", "collection": "dokkimi_ready"}',
}

/**
 * Connect on the container's own address first (cheap, and engines only listen once their init
 * files ran), then an authenticated query through the endpoint the runner will use.
 */
export async function probeDatabase(item: PlannedDatabase, containerIp: string, endpoint: { host: string; port: number }, timeoutMs: number): Promise<ProbeResult> {
  const tcp = await probeTcp(containerIp, item.port, timeoutMs)
  if (!tcp.ok) return tcp
  // Core's clients read the engine, name and credentials of the DATABASE item.
  const asItem = { type: 'DATABASE', name: item.name, database: item.engine, image: item.image, port: item.port, stage: item.stage, initFiles: [], credentials: item.credentials } as unknown as DatabaseItem
  let client: Awaited<ReturnType<typeof openDatabase>> | undefined
  try {
    client = await openDatabase(asItem, endpoint)
    const result = await client.query(READY_QUERY[item.engine], undefined, { timeoutMs })
    return result.success ? { ok: true } : { ok: false, seen: `query failed: ${result.error ?? 'unknown error'}` }
  } catch (error) {
    return { ok: false, seen: error instanceof Error ? error.message : String(error) }
  } finally {
    await client?.close().catch(() => {})
  }
}
