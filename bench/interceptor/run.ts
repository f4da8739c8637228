/**
 * Benchmark: direct loopback calls vs the same calls through the interceptor.
 *
 *   pnpm exec tsx bench/interceptor/run.ts [--seconds=5] [--latency=5000] [--stream=256]
 *
 * This process runs the interceptor (as the container would: one process, one event loop) and
 * forks a second process for the upstream service and the load generator (_load.ts).
 */
import { fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startInterceptor } from '../../packages/interceptor/src/index.js'
import type { LoadResult } from './_load.js'
import { benchCa } from './_ca.js'

const here = dirname(fileURLToPath(import.meta.url))
const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k!, v ?? 'true'] as const }))
const num = (key: string, fallback: number) => (args.has(key) ? Number(args.get(key)) : fallback)
const SECONDS = num('seconds', 5)
const LATENCY_REQUESTS = num('latency', 5000)
const STREAM_MIB = num('stream', 256)
// --profile: CPU profile of the interceptor during the via-interceptor throughput phase.
const PROFILE = args.has('profile')
const session = PROFILE ? new Session() : undefined
if (session) {
  session.connect()
  session.post('Profiler.enable')
}

const TARGET_ADDED_P50_MS = 0.5
const TARGET_RPS = 5_000
const TARGET_MIBS = 200

const child = fork(join(here, '_load.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
const upstreamPort = await new Promise<number>((resolve) => child.once('message', (m: { upstreamPort: number }) => resolve(m.upstreamPort)))

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined }
const interceptor = await startInterceptor(
  {
    host: '127.0.0.1',
    httpPorts: [0],
    tlsPorts: [0],
    ingressPort: 0,
    controlPort: 0,
    ca: await benchCa(),
    topology: [{ name: 'order-service', addresses: ['127.0.0.2'] }],
    upstreams: [{ name: 'bench-service', port: 0, upstream: { host: '127.0.0.3', port: upstreamPort } }],
    mocks: [{ name: 'mock-stripe', target: 'api.stripe.com', path: '/v1/charges', method: 'POST', origin: '*', status: 200, body: { id: 'ch_1' }, delayMs: 0 }],
  },
  { logger: silent },
)

console.log(`interceptor bench: Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}); interceptor in pid ${process.pid}, upstream + load generator in pid ${child.pid}`)
console.log(`latency: ${LATENCY_REQUESTS} sequential requests on 1 keep-alive connection; throughput: 64 keep-alive connections for ${SECONDS} s; streams: ${STREAM_MIB} MiB\n`)

child.send({ type: 'run', interceptorPort: interceptor.ports.http[0], controlUrl: interceptor.controlUrl, seconds: SECONDS, latencyRequests: LATENCY_REQUESTS, streamMiB: STREAM_MIB })
// CPU time of this (the interceptor's) process during the via-interceptor throughput phase.
let phase: { cpu: NodeJS.CpuUsage; wall: number; machine: ReturnType<typeof machineTimes> } | undefined
let interceptorCpuShare = 0
let machineBusy = 0
function machineTimes() {
  let busy = 0
  let total = 0
  for (const c of cpus()) {
    const t = c.times
    busy += t.user + t.nice + t.sys + t.irq
    total += t.user + t.nice + t.sys + t.irq + t.idle
  }
  return { busy, total }
}
const reply = await new Promise<{ type: string; result?: LoadResult; error?: string }>((resolve) => {
  child.on('message', (m: { type: string; edge?: string; result?: LoadResult; error?: string }) => {
    if (m.type === 'phase' && m.edge === 'start') {
      session?.post('Profiler.start')
      phase = { cpu: process.cpuUsage(), wall: performance.now(), machine: machineTimes() }
    } else if (m.type === 'phase' && phase) {
      session?.post('Profiler.stop', (error, result) => {
        if (error) return console.error(error)
        writeFileSync(join(tmpdir(), 'interceptor.cpuprofile'), JSON.stringify(result.profile))
        console.log(`profile written to ${join(tmpdir(), 'interceptor.cpuprofile')}`)
      })
      const used = process.cpuUsage(phase.cpu)
      interceptorCpuShare = (used.user + used.system) / 1000 / (performance.now() - phase.wall)
      const now = machineTimes()
      machineBusy = (now.busy - phase.machine.busy) / (now.total - phase.machine.total)
    } else resolve(m)
  })
})
child.kill()
await interceptor.close()
if (!reply.result) {
  console.error(reply.error)
  process.exit(1)
}
const r = reply.result

const ms = (n: number) => `${n.toFixed(3)} ms`
const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ok = (pass: boolean) => (pass ? 'OK' : 'MISSED')
const addedP50 = r.latency.via.p50 - r.latency.direct.p50
const rows: string[][] = [
  ['', 'direct', 'via interceptor', 'ratio / added', 'target'],
  ['latency p50 (1 conn)', ms(r.latency.direct.p50), ms(r.latency.via.p50), `+${ms(addedP50)}`, `added p50 ≤ ${TARGET_ADDED_P50_MS} ms  ${ok(addedP50 <= TARGET_ADDED_P50_MS)}`],
  ['latency p99 (1 conn)', ms(r.latency.direct.p99), ms(r.latency.via.p99), `+${ms(r.latency.via.p99 - r.latency.direct.p99)}`, ''],
  ['throughput (64 conns)', `${int(r.throughput.direct)} req/s`, `${int(r.throughput.via)} req/s`, `${(r.throughput.via / r.throughput.direct).toFixed(2)}×`, `≥ ${int(TARGET_RPS)} req/s  ${ok(r.throughput.via >= TARGET_RPS)}`],
  [`upload ${r.upload.mib} MiB`, `${int(r.upload.direct)} MiB/s`, `${int(r.upload.via)} MiB/s`, `${(r.upload.via / r.upload.direct).toFixed(2)}×`, `≥ ${TARGET_MIBS} MiB/s  ${ok(r.upload.via >= TARGET_MIBS)}`],
  [`download ${r.download.mib} MiB`, `${int(r.download.direct)} MiB/s`, `${int(r.download.via)} MiB/s`, `${(r.download.via / r.download.direct).toFixed(2)}×`, `≥ ${TARGET_MIBS} MiB/s  ${ok(r.download.via >= TARGET_MIBS)}`],
]
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)))
for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '))
console.log(`\nduring the via-interceptor throughput phase: interceptor process ${(100 * interceptorCpuShare).toFixed(0)}% of a core, upstream + load process ${(100 * r.loadCpuShare).toFixed(0)}%; machine ${(100 * machineBusy).toFixed(0)}% busy`)
console.log(`records streamed to the control API: ${int(r.recordsStreamed)} of ${int(r.viaRequests)} requests through the interceptor ${ok(r.recordsStreamed === r.viaRequests)}`)
