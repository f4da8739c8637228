/**
 * The benchmark's second process: the upstream service and the load generator (see run.ts).
 * It talks to the parent over IPC: `ready` (upstream port) ← → `run` (interceptor port) → `result`.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface LoadResult {
  latency: { direct: { p50: number; p99: number; n: number }; via: { p50: number; p99: number; n: number } }
  throughput: { direct: number; via: number; seconds: number; connections: number }
  upload: { direct: number; via: number; mib: number }
  download: { direct: number; via: number; mib: number }
  /** Requests the interceptor saw (its last seq). */
  viaRequests: number
  recordsStreamed: number
  /** CPU time of this process during the via-interceptor throughput phase, as a share of one core. */
  loadCpuShare: number
}

interface RunMessage {
  type: 'run'
  interceptorPort: number
  controlUrl: string
  seconds: number
  latencyRequests: number
  streamMiB: number
}

const MiB = 1024 * 1024
const UPSTREAM_HOST = '127.0.0.3'
const CALLER = '127.0.0.2'
const chunk = Buffer.alloc(64 * 1024, 0x61)
const response = Buffer.from(JSON.stringify({ ok: true, id: 'ch_3Pq1', amount: 4200, currency: 'eur', status: 'succeeded' }))
const requestBody = JSON.stringify({ orderId: 'ord_123', amount: 4200, currency: 'eur', customer: 'cus_9' })

const upstream = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.url?.startsWith('/download')) {
    const size = Number(new URL(req.url, 'http://x').searchParams.get('size'))
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size })
    let sent = 0
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent)
        sent += n
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump)
      }
      res.end()
    }
    pump()
    return
  }
  let n = 0
  req.on('data', (c: Buffer) => (n += c.length))
  req.on('end', () => {
    if (req.url === '/upload') {
      const body = JSON.stringify({ received: n })
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': response.length })
      res.end(response)
    }
  })
})

upstream.listen(0, UPSTREAM_HOST, () => process.send!({ type: 'ready', upstreamPort: (upstream.address() as AddressInfo).port }))

process.on('message', (msg: RunMessage) => {
  if (msg.type === 'run') run(msg).then((result) => process.send!({ type: 'result', result }), (error: Error) => process.send!({ type: 'error', error: error.stack }))
})

interface Target {
  host: string
  port: number
  localAddress?: string
}

function request(target: Target, agent: http.Agent | false, options: { method: string; path: string; body?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.host,
        port: target.port,
        localAddress: target.localAddress,
        agent,
        method: options.method,
        path: options.path,
        headers: { host: 'bench-service', 'content-type': 'application/json', ...(options.body ? { 'content-length': Buffer.byteLength(options.body) } : {}) },
      },
      (res) => {
        let n = 0
        res.on('data', (c: Buffer) => (n += c.length))
        res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`status ${res.statusCode}`))))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const small = { method: 'POST', path: '/v1/charges?expand=customer', body: requestBody }

async function latency(target: Target, n: number): Promise<{ p50: number; p99: number; n: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  for (let i = 0; i < Math.min(1000, n); i++) await request(target, agent, small)
  const samples = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint()
    await request(target, agent, small)
    samples[i] = Number(process.hrtime.bigint() - t) / 1e6
  }
  agent.destroy()
  samples.sort()
  return { p50: samples[Math.floor(n * 0.5)]!, p99: samples[Math.floor(n * 0.99)]!, n }
}

async function throughput(target: Target, connections: number, seconds: number): Promise<{ rps: number; count: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  // Warm up (opens the connections) for half a second, then count for `seconds`.
  let counting = false
  let count = 0
  let stop = false
  const worker = async () => {
    while (!stop) {
      await request(target, agent, small)
      if (counting) count++
    }
  }
  const workers = Array.from({ length: connections }, worker)
  await new Promise((r) => setTimeout(r, 500))
  counting = true
  const t = performance.now()
  await new Promise((r) => setTimeout(r, seconds * 1000))
  counting = false
  const elapsed = (performance.now() - t) / 1000
  stop = true
  await Promise.all(workers)
  agent.destroy()
  return { rps: count / elapsed, count }
}

async function upload(target: Target, bytes: number): Promise<number> {
  const t = performance.now()
  await new Promise<void>((resolve, reject) => {
    const req = http.request({ host: target.host, port: target.port, localAddress: target.localAddress, agent: false, method: 'POST', path: '/upload', headers: { host: 'bench-service', 'content-type': 'application/octet-stream', 'content-length': bytes } }, (res) => {
      res.resume()
      res.on('end', () => resolve())
    })
    req.on('error', reject)
    let sent = 0
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
  return bytes / MiB / ((performance.now() - t) / 1000)
}

async function download(target: Target, bytes: number): Promise<number> {
  const t = performance.now()
  const n = await request(target, false, { method: 'GET', path: `/download?size=${bytes}` })
  if (n !== bytes) throw new Error(`downloaded ${n} of ${bytes} bytes`)
  return bytes / MiB / ((performance.now() - t) / 1000)
}

async function run(msg: RunMessage): Promise<LoadResult> {
  const direct: Target = { host: UPSTREAM_HOST, port: (upstream.address() as AddressInfo).port }
  const via: Target = { host: '127.0.0.1', port: msg.interceptorPort, localAddress: CALLER }

  // The runner's view: every record streamed over the control API while the load runs.
  let recordsStreamed = 0
  const feed = http.get(`${msg.controlUrl}/records/stream?after=0`, (res) => {
    res.on('data', (c: Buffer) => {
      for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) recordsStreamed++
    })
  })
  feed.on('error', () => undefined)

  const latencyDirect = await latency(direct, msg.latencyRequests)
  const latencyVia = await latency(via, msg.latencyRequests)

  const connections = 64
  const tDirect = await throughput(direct, connections, msg.seconds)
  process.send!({ type: 'phase', edge: 'start' })
  const cpu = process.cpuUsage()
  const wall = performance.now()
  const tVia = await throughput(via, connections, msg.seconds)
  const used = process.cpuUsage(cpu)
  const loadCpuShare = (used.user + used.system) / 1000 / (performance.now() - wall)
  process.send!({ type: 'phase', edge: 'end' })

  const bytes = msg.streamMiB * MiB
  await upload(direct, 16 * MiB)
  const upDirect = await upload(direct, bytes)
  await upload(via, 16 * MiB)
  const upVia = await upload(via, bytes)
  const downDirect = await download(direct, bytes)
  const downVia = await download(via, bytes)

  // Every request through the interceptor must have reached the feed.
  const status = (await (await fetch(`${msg.controlUrl}/status`)).json()) as { lastSeq: number }
  const deadline = Date.now() + 10_000
  while (recordsStreamed < status.lastSeq && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  feed.destroy()

  return {
    latency: { direct: latencyDirect, via: latencyVia },
    throughput: { direct: tDirect.rps, via: tVia.rps, seconds: msg.seconds, connections },
    upload: { direct: upDirect, via: upVia, mib: msg.streamMiB },
    download: { direct: downDirect, via: downVia, mib: msg.streamMiB },
    viaRequests: status.lastSeq,
    recordsStreamed,
    loadCpuShare,
  }
}
