// memoryRuntime(): the reference Runtime (STYLE.md rule 19). It runs the real interceptor
// in-process and SERVICE/WORKER items as in-process Node handlers, each on its own loopback
// address (127.A.B.x) so the interceptor tells callers apart by source address exactly as it
// does for containers. No images, no databases: core's own tests and the conformance suite use it.
import { once } from 'node:events'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { randomInt } from 'node:crypto'
import { startInterceptor, type RunningInterceptor, type TopologyEntry, type UpstreamEntry } from '@dokkimi/interceptor'
import { DokkimiError } from '../errors.js'
import type { ConsoleLine, EnvironmentPlan, PlannedItem, Runtime, RuntimeEnvironment, StartOptions, SweepOptions, SweepResult } from '../runtime/runtime.js'
import { defineRuntime, type RuntimeFactory } from '../runtime/runtime.js'

export interface MemoryResponse {
  status: number
  headers: Record<string, string>
  text: string
  json(): unknown
}

/** What an in-process service gets: its env, a way to call others through the interceptor, a console. */
export interface MemoryServiceContext {
  name: string
  env: Record<string, string>
  /** Calls `http(s)://host[:port]/path` through the environment's interceptor, as this item. */
  fetch(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<MemoryResponse>
  /** Writes a console line attributed to this item. */
  log(line: string, stream?: 'stdout' | 'stderr'): void
}

export interface MemoryRuntimeOptions {
  /** Image reference → in-process implementation of a SERVICE (an HTTP request listener). */
  services?: Record<string, (ctx: MemoryServiceContext) => http.RequestListener>
  /** Image reference → in-process WORKER: started once, returns its stop function. */
  workers?: Record<string, (ctx: MemoryServiceContext) => (() => void) | void>
}

/** The in-process reference runtime. */
export function memoryRuntime(options: MemoryRuntimeOptions = {}): RuntimeFactory<MemoryRuntimeOptions> {
  return defineRuntime({ name: 'memory', options, create: () => new MemoryRuntime(options) })
}

class MemoryRuntime implements Runtime {
  readonly name = 'memory'
  readonly flags = { images: false, databases: false, resourceLimits: false, parallelEnvironments: true }
  private readonly running = new Set<RuntimeEnvironment>()
  private readonly sessions = new WeakMap<RuntimeEnvironment, string>()

  constructor(private readonly options: MemoryRuntimeOptions) {}

  async start(plan: EnvironmentPlan, startOptions: StartOptions = {}): Promise<RuntimeEnvironment> {
    const env = await startMemoryEnvironment(plan, this.options, startOptions)
    this.running.add(env)
    if (plan.session) this.sessions.set(env, plan.session)
    const stop = env.stop
    env.stop = async () => {
      this.running.delete(env)
      await stop()
    }
    return env
  }

  async sweep(options: SweepOptions = {}): Promise<SweepResult> {
    if (!options.session) return { removed: [] }
    const doomed = [...this.running].filter((e) => this.sessions.get(e) === options.session)
    await Promise.all(doomed.map((e) => e.stop()))
    return { removed: doomed.map((e) => e.runId).sort() }
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.running].map((e) => e.stop()))
  }
}

async function startMemoryEnvironment(plan: EnvironmentPlan, options: MemoryRuntimeOptions, { signal, onProgress }: StartOptions): Promise<RuntimeEnvironment> {
  // One private /24 of the loopback range per environment: .1 is the interceptor, .2… the items.
  const subnet = `127.${randomInt(1, 255)}.${randomInt(0, 256)}`
  const interceptorHost = `${subnet}.1`
  const listeners = new Set<(line: ConsoleLine) => void>()
  const servers: http.Server[] = []
  const stops: Array<() => void> = []
  const topology: TopologyEntry[] = []
  const upstreams: UpstreamEntry[] = []
  let interceptor: RunningInterceptor | undefined
  const emit = (item: string, line: string, stream: 'stdout' | 'stderr' = 'stdout') => {
    const event: ConsoleLine = { item, stream, line, receivedAt: Date.now() }
    for (const l of listeners) l(event)
  }
  const stop = async () => {
    for (const s of stops.splice(0)) s()
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve())).then(() => s.closeAllConnections())))
    await interceptor?.close()
    interceptor = undefined
  }
  try {
    interceptor = await startInterceptor({
      host: interceptorHost,
      httpPorts: [0],
      tlsPorts: [0],
      ingressPort: 0,
      controlPort: 0,
      ca: plan.ca,
      topology,
      upstreams: [],
      mocks: plan.interceptor.mocks,
      externalTraffic: plan.interceptor.externalTraffic,
    })
    let next = 2
    for (const [stage, items] of plan.stages.entries()) {
      onProgress?.({ type: 'stage', stage, items: items.map((i) => i.name) })
      for (const item of items) {
        if (signal?.aborted) throw new DokkimiError('ENVIRONMENT_STOPPED', '[dokkimi] [memory] start was cancelled')
        onProgress?.({ type: 'item', item: item.name, status: 'starting' })
        const address = `${subnet}.${next++}`
        topology.push({ name: item.name, addresses: [address] })
        const ctx = context(item, address, interceptorHost, interceptor, plan.ca.certPem, emit)
        if (item.kind === 'service') {
          const factory = options.services?.[item.image]
          if (!factory) throw unsupported(item, `no in-process implementation for image "${item.image}" (pass it in memoryRuntime({ services }))`)
          const server = http.createServer(factory(ctx))
          servers.push(server)
          server.listen(0, address)
          await once(server, 'listening')
          upstreams.push({ name: item.name, port: item.port, upstream: { host: address, port: (server.address() as AddressInfo).port } })
        } else if (item.kind === 'worker') {
          const factory = options.workers?.[item.image]
          if (!factory) throw unsupported(item, `no in-process implementation for image "${item.image}" (pass it in memoryRuntime({ workers }))`)
          const stopWorker = factory(ctx)
          if (stopWorker) stops.push(stopWorker)
        } else throw unsupported(item, 'the memory runtime cannot run databases; use the Docker runtime')
        await interceptor.updateConfig({ topology: [...topology], upstreams: [...upstreams] })
        onProgress?.({ type: 'item', item: item.name, status: 'ready' })
      }
    }
  } catch (error) {
    await stop()
    throw error
  }
  const running = interceptor
  return {
    runId: plan.runId,
    ingressUrl: running.ingressUrl,
    controlUrl: running.controlUrl,
    databases: {},
    onConsole(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    stop,
  }
}

function unsupported(item: PlannedItem, why: string): DokkimiError {
  return new DokkimiError('RUNTIME_UNSUPPORTED_ITEM', `[dokkimi] [memory] ${item.kind} "${item.name}": ${why}`, { details: { item: item.name } })
}

function context(item: PlannedItem, address: string, interceptorHost: string, interceptor: RunningInterceptor, caPem: string, emit: (item: string, line: string, stream?: 'stdout' | 'stderr') => void): MemoryServiceContext {
  return {
    name: item.name,
    env: { ...item.env },
    log: (line, stream) => emit(item.name, line, stream),
    fetch(url, init = {}) {
      const target = new URL(url)
      const tls = target.protocol === 'https:'
      const requested = Number(target.port || (tls ? 443 : 80))
      const ports = tls ? interceptor.ports.tls : interceptor.ports.http
      // Listeners requested as port 0 (80/443 stand-ins) are keyed 0; service ports by themselves.
      const port = ports[requested] ?? ports[0]
      const options: https.RequestOptions = {
        host: interceptorHost,
        port,
        localAddress: address,
        method: init.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...init.headers },
        agent: false,
        ...(tls ? { servername: target.hostname, ca: caPem } : {}),
      }
      return new Promise<MemoryResponse>((resolve, reject) => {
        const req = (tls ? https : http).request(options, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const headers: Record<string, string> = {}
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
            resolve({ status: res.statusCode ?? 0, headers, text, json: () => JSON.parse(text) })
          })
        })
        req.on('error', reject)
        req.end(init.body)
      })
    },
  }
}
