// One environment on a Docker engine (ARCHITECTURE.md §6): network, interceptor, items stage by
// stage with readiness under one deadline, console logs, crash reports, and a teardown that
// removes everything whatever happened.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  DokkimiError,
  type BootEvent,
  type ConsoleLine,
  type EnvironmentPlan,
  type Logger,
  type PlannedDatabase,
  type PlannedItem,
  type RuntimeEnvironment,
  type StartOptions,
} from '@dokkimi/core'
import type { InterceptorConfig } from '@dokkimi/interceptor'
import type Dockerode from 'dockerode'
import { trackEnvironment } from './_exit-hooks.js'
import { mapImage, type ImageMap } from './_image-map.js'
import { engineReason, type ImageStore } from './_images.js'
import { LABEL, runLabels } from './_labels.js'
import { followLogs, type LogFollower } from './_logs.js'
import { createEnvironmentNetwork, type EnvironmentNetwork } from './_network.js'
import { probeDatabase, probeDns, probeHttp, probeTcp, type ProbeResult } from './_probes.js'

/** What an environment needs from its runtime. */
export interface EnvironmentContext {
  docker: Dockerode
  images: ImageStore
  imageMap: ImageMap
  pull: 'missing' | 'never'
  /** Resolves the interceptor image (built once per runtime). */
  interceptorImage(onProgress?: (event: BootEvent) => void): Promise<string>
  sweep(): Promise<unknown>
  /** Called once the environment is gone. */
  release(environment: DockerEnvironment): void
  logger: Logger
}

export const INTERCEPTOR_CONTROL_PORT = 15000
export const INTERCEPTOR_INGRESS_PORT = 15001
const CONFIG_PATH = '/etc/dokkimi/interceptor.json'
const CA_PATH = '/etc/dokkimi/ca.pem'
const CA_ENV = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE']

type Role = 'interceptor' | PlannedItem['kind']

interface Box {
  name: string
  role: Role
  ip: string
  item?: PlannedItem
  container?: Dockerode.Container
  creating?: Promise<Dockerode.Container>
  logs?: LogFollower
  /** Settles with the exit state when the container stops (its log stream ends). */
  exited?: Promise<ExitState>
  startedAt?: number
}

interface ExitState {
  exitCode: number | null
  oomKilled: boolean
  lastLines: string[]
}

type CrashListener = (crash: { item: string; exitCode: number | null; lastLines: string[] }) => void

const PROBE_TIMEOUT_MS = 2_000

/** Polls tightly at first (most items are ready within a second or two), then backs off. */
function nextDelay(elapsedMs: number, previous: number): number {
  if (elapsedMs < 2_000) return 25
  if (elapsedMs < 5_000) return 50
  return Math.min(250, Math.round(previous * 1.5))
}

export class DockerEnvironment implements RuntimeEnvironment {
  ingressUrl = ''
  controlUrl = ''
  readonly databases: Record<string, { host: string; port: number }> = {}
  /** Per item: when it became ready (epoch ms), for benchmarks and diagnostics. */
  readonly readyAt: Record<string, number> = {}
  /** When the interceptor answered on its control port and DNS (epoch ms). */
  interceptorReadyAt: number | undefined

  /** Items by name; the interceptor is kept apart (an item may be called `interceptor`). */
  private readonly boxes = new Map<string, Box>()
  private interceptor: Box | undefined
  private network: EnvironmentNetwork | undefined
  private networkCreating: Promise<EnvironmentNetwork> | undefined
  private tempDir: string | undefined
  private readonly consoleListeners = new Set<(line: ConsoleLine) => void>()
  private readonly crashListeners = new Set<CrashListener>()
  /** Lines received before anyone subscribed (boot output), handed to the first subscriber. */
  private earlyLines: ConsoleLine[] | undefined = []
  private booted = false
  private stopping: Promise<void> | undefined
  private bootFailure: Error | undefined
  private readonly bootAbort = new AbortController()
  private untrack: (() => void) | undefined
  private emit: (event: BootEvent) => void = () => {}
  private readonly logger: Logger
  private readonly labels: Record<string, string>
  private bootStartedAt = performance.now()

  constructor(
    private readonly ctx: EnvironmentContext,
    private readonly plan: EnvironmentPlan,
  ) {
    this.logger = ctx.logger.child(plan.runId)
    this.labels = runLabels(plan)
  }

  get runId(): string {
    return this.plan.runId
  }

  /** Docker's resources of this environment, for tests and tools. */
  get resources(): { network: string; interceptor: string | undefined; containers: Record<string, string> } {
    const containers: Record<string, string> = {}
    for (const box of this.boxes.values()) if (box.container) containers[box.name] = box.container.id
    return { network: `dokkimi-${this.plan.runId}`, interceptor: this.interceptor?.container?.id, containers }
  }

  onConsole(listener: (line: ConsoleLine) => void): () => void {
    this.consoleListeners.add(listener)
    const early = this.earlyLines
    this.earlyLines = undefined
    for (const line of early ?? []) listener(line)
    return () => this.consoleListeners.delete(listener)
  }

  onCrash(listener: CrashListener): () => void {
    this.crashListeners.add(listener)
    return () => this.crashListeners.delete(listener)
  }

  /** Starts everything; on any failure tears down what exists and rethrows. */
  async start({ signal, onProgress }: StartOptions = {}): Promise<void> {
    const emit = (this.emit = (event: BootEvent) => {
      try {
        onProgress?.(event)
      } catch (error) {
        this.logger.warn('onProgress threw: %s', error)
      }
    })
    this.untrack = trackEnvironment(() => this.stop())
    const onAbort = () => this.fail(new DokkimiError('ENVIRONMENT_STOPPED', `[dokkimi] [docker] start of ${this.plan.definition} was cancelled`, { cause: signal?.reason }))
    if (signal?.aborted) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      await this.boot(emit)
      this.booted = true
    } catch (error) {
      const reported = this.bootFailure ?? error
      await this.stop()
      throw reported
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Records the first failure of the boot (reported to the caller) and stops every wait. */
  private fail(error: Error): void {
    if (this.bootFailure || this.stopping) return
    this.bootFailure = error
    const item = (error as DokkimiError).details?.item
    if (typeof item === 'string') this.emit({ type: 'item', item, status: 'failed', detail: error.message.split('\n')[0]! })
    this.bootAbort.abort(error)
  }

  private checkAbort(): void {
    if (this.bootFailure) throw this.bootFailure
    if (this.stopping) throw new DokkimiError('ENVIRONMENT_STOPPED', `[dokkimi] [docker] environment ${this.plan.runId} was stopped while starting`)
  }

  /** Milliseconds since start() was called, for the debug timeline. */
  private since(): number {
    return Math.round(performance.now() - this.bootStartedAt)
  }

  private async boot(emit: (event: BootEvent) => void): Promise<void> {
    this.bootStartedAt = performance.now()
    for (const s of this.plan.interceptor.services) {
      if (s.port === INTERCEPTOR_CONTROL_PORT || s.port === INTERCEPTOR_INGRESS_PORT) {
        throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] SERVICE "${s.name}" uses port ${s.port}, which the interceptor keeps for itself (${INTERCEPTOR_CONTROL_PORT}, ${INTERCEPTOR_INGRESS_PORT}). Use another port`, { details: { item: s.name } })
      }
    }
    const { interceptorImage, images, network, dir } = await this.prepare(emit)
    this.logger.debug('images, network %s (%s) and temp dir ready after %d ms', network.name, network.subnet, this.since())
    this.checkAbort()
    // One deadline for everything after the images are here (a first pull can take minutes).
    const deadline = performance.now() + this.plan.timeoutMs
    const files = await this.writeFiles(dir)
    this.checkAbort()
    this.createContainers(network, interceptorImage, images, files)
    // Housekeeping, once stage 0's containers run: its engine calls stay off the critical path.
    let sweeping: Promise<void> | undefined
    const sweep = () => {
      sweeping ??= this.ctx.sweep().then(
        () => this.logger.trace('sweep done after %d ms', this.since()),
        (error: unknown) => this.logger.debug('sweep failed: %s', error),
      )
    }
    try {
      await this.startStages(deadline, emit, sweep)
    } finally {
      sweep()
      await sweeping
    }
  }

  /** Images (pulled only when absent), the network and the temp dir, all at once. */
  private async prepare(emit: (event: BootEvent) => void): Promise<{ interceptorImage: string; images: Map<string, string>; network: EnvironmentNetwork; dir: string }> {
    const { plan, ctx } = this
    const items = plan.stages.flat()
    const images = new Map(items.map((i) => [i.name, mapImage(ctx.imageMap, i.image)]))
    const firstUser = new Map([...images].reverse().map(([name, ref]) => [ref, name]))
    const imageWork = Promise.all([ctx.interceptorImage(emit), ...[...firstUser].map(([ref, name]) => ctx.images.ensure(ref, { item: name, pull: ctx.pull, onProgress: emit }))])
    const networkName = `dokkimi-${plan.runId}`
    this.networkCreating = createEnvironmentNetwork(ctx.docker, networkName, this.labels)
    void imageWork.then(() => this.logger.debug('images present after %d ms', this.since()), () => {})
    void this.networkCreating.then(() => this.logger.debug('network created after %d ms', this.since()), () => {})
    const [imageResult, networkResult, tempResult] = await Promise.allSettled([imageWork, this.networkCreating, mkdtemp(join(tmpdir(), `dokkimi-${plan.runId}-`))])
    if (networkResult.status === 'fulfilled') this.network = networkResult.value
    if (tempResult.status === 'fulfilled') this.tempDir = tempResult.value
    if (imageResult.status === 'rejected') throw imageResult.reason
    if (networkResult.status === 'rejected') {
      throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] network ${networkName} could not be created: ${engineReason(networkResult.reason)}`, { cause: networkResult.reason })
    }
    if (tempResult.status === 'rejected') throw tempResult.reason
    const network = networkResult.value
    if (items.length + 1 > network.capacity) throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] ${items.length} items do not fit in one environment network (at most ${network.capacity - 1})`)
    // Static addresses: the interceptor knows the whole topology before anything starts.
    this.interceptor = { name: 'interceptor', role: 'interceptor', ip: network.address(2) }
    items.forEach((item, i) => this.boxes.set(item.name, { name: item.name, role: item.kind, ip: network.address(3 + i), item }))
    return { interceptorImage: imageResult.value[0], images, network, dir: tempResult.value }
  }

  /** The interceptor's config, the CA bundle and generated files, in the run's temp dir (0700). */
  private async writeFiles(dir: string): Promise<{ configFile: string; caFile: string; mounts: Map<string, Dockerode.MountSettings[]> }> {
    const { plan } = this
    const items = plan.stages.flat()
    const ipOf = (name: string) => this.boxes.get(name)!.ip
    const config: InterceptorConfig = {
      host: '0.0.0.0',
      httpPorts: [80],
      tlsPorts: [443],
      ingressPort: INTERCEPTOR_INGRESS_PORT,
      controlPort: INTERCEPTOR_CONTROL_PORT,
      dnsPort: 53,
      dnsAnswer: { ipv4: this.interceptor!.ip },
      ca: plan.ca,
      topology: items.map((item) => ({ name: item.name, addresses: [ipOf(item.name)] })),
      upstreams: plan.interceptor.services.map((s) => ({ ...s, upstream: { host: ipOf(s.name), port: s.port } })),
      mocks: plan.interceptor.mocks,
      externalTraffic: plan.interceptor.externalTraffic,
    }
    const configFile = join(dir, 'interceptor.json')
    const caFile = join(dir, 'ca.pem')
    // Readable inside containers whatever user they run as; the directory itself is private.
    await Promise.all([writeFile(configFile, JSON.stringify(config), { mode: 0o644 }), writeFile(caFile, plan.ca.certPem, { mode: 0o644 })])
    const mounts = new Map<string, Dockerode.MountSettings[]>()
    let fileIndex = 0
    for (const item of items) {
      const list: Dockerode.MountSettings[] = []
      for (const file of item.files) {
        let source: string
        if ('content' in file) {
          source = join(dir, `file-${fileIndex++}`)
          await writeFile(source, file.content, { mode: 0o644 })
        } else {
          source = file.source
          if (!existsSync(source)) throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] item "${item.name}": file "${source}" (for ${file.target}) does not exist`, { details: { item: item.name, file: source } })
        }
        list.push({ Type: 'bind', Source: source, Target: file.target, ReadOnly: true })
      }
      mounts.set(item.name, list)
    }
    return { configFile, caFile, mounts }
  }

  /**
   * Every container is created up front (cheap, in parallel); starting is what stages order.
   * Stage 0's databases start first, so the engine creates them before the others.
   */
  private createContainers(network: EnvironmentNetwork, interceptorImage: string, images: Map<string, string>, files: Awaited<ReturnType<DockerEnvironment['writeFiles']>>): void {
    const { plan } = this
    const items = plan.stages.flat()
    const labels = this.labels
    const interceptor = this.interceptor!
    const endpoint = (ip: string, aliases?: string[]): Dockerode.ContainerCreateOptions['NetworkingConfig'] => ({
      EndpointsConfig: { [network.name]: { IPAMConfig: { IPv4Address: ip }, ...(aliases ? { Aliases: aliases } : {}) } },
    })
    const published = (port: number) => ({ [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] })
    // The interceptor owns every SERVICE name and every plain-host MOCK target.
    const aliases = new Set(plan.interceptor.services.map((s) => s.name))
    for (const mock of plan.interceptor.mocks) if (mock.target !== '*' && !mock.target.includes(':')) aliases.add(mock.target)
    for (const item of items) if (item.kind === 'database') aliases.delete(item.name)
    const specs: Array<[Box, Dockerode.ContainerCreateOptions]> = []
    specs.push([interceptor, {
      Image: interceptorImage,
      Env: [`DOKKIMI_INTERCEPTOR_CONFIG=${CONFIG_PATH}`],
      Labels: { ...labels, [LABEL.role]: 'interceptor' },
      ExposedPorts: { [`${INTERCEPTOR_CONTROL_PORT}/tcp`]: {}, [`${INTERCEPTOR_INGRESS_PORT}/tcp`]: {} },
      HostConfig: {
        NetworkMode: network.name,
        PortBindings: { ...published(INTERCEPTOR_CONTROL_PORT), ...published(INTERCEPTOR_INGRESS_PORT) },
        Mounts: [{ Type: 'bind', Source: files.configFile, Target: CONFIG_PATH, ReadOnly: true }],
      },
      NetworkingConfig: endpoint(interceptor.ip, [...aliases]),
    }])
    for (const item of items) {
      const box = this.boxes.get(item.name)!
      const { minMemoryMb, maxMemoryMb, minCpu, maxCpu } = item.resources
      const resources = {
        ...(maxMemoryMb ? { Memory: Math.round(maxMemoryMb * 1024 * 1024) } : {}),
        ...(minMemoryMb ? { MemoryReservation: Math.round(minMemoryMb * 1024 * 1024) } : {}),
        ...(maxCpu ? { NanoCpus: Math.round(maxCpu * 1e9) } : {}),
        ...(minCpu ? { CpuShares: Math.max(2, Math.round(minCpu * 1024)) } : {}),
      }
      const common = {
        Image: images.get(item.name)!,
        Labels: { ...labels, [LABEL.role]: item.kind, [LABEL.item]: item.name },
        ...(item.command ? { Cmd: item.command } : {}),
        ...(item.entrypoint ? { Entrypoint: item.entrypoint } : {}),
      }
      const mounts = files.mounts.get(item.name) ?? []
      if (item.kind === 'database') {
        specs.push([box, {
          ...common,
          Env: Object.entries(item.env).map(([k, v]) => `${k}=${v}`),
          ExposedPorts: { [`${item.port}/tcp`]: {} },
          HostConfig: { NetworkMode: network.name, PortBindings: published(item.port), Mounts: mounts, Tmpfs: { [item.dataDir]: 'rw' }, ...resources },
          // Services reach a database directly by its name: it is not fronted by the interceptor.
          NetworkingConfig: endpoint(box.ip, [item.name]),
        }])
      } else {
        // Trust env first, so an item that sets one of them on purpose keeps its own value.
        const env = { ...Object.fromEntries(CA_ENV.map((k) => [k, CA_PATH])), ...item.env }
        specs.push([box, {
          ...common,
          Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
          HostConfig: { NetworkMode: network.name, Dns: [interceptor.ip], Mounts: [{ Type: 'bind', Source: files.caFile, Target: CA_PATH, ReadOnly: true }, ...mounts], ...resources },
          // No alias: the item's name belongs to the interceptor; this container is its hidden upstream.
          NetworkingConfig: endpoint(box.ip),
        }])
      }
    }
    const firstDatabases = new Set((plan.stages[0] ?? []).filter((i) => i.kind === 'database').map((i) => i.name))
    const urgent = (box: Box) => box.role === 'database' && firstDatabases.has(box.name)
    for (const [box, options] of specs) if (urgent(box)) this.create(box, options)
    const first = Promise.allSettled(specs.filter(([box]) => urgent(box)).map(([box]) => box.creating))
    for (const [box, options] of specs) if (!urgent(box)) this.create(box, options, first)
  }

  /**
   * Stages in order, each stage's items in parallel, each item's readiness awaited from its own
   * start on. The interceptor starts with the first stage, right after its databases (the long
   * pole; they call nobody); services and workers start only once it answers, since every name
   * they resolve and every call they make goes through it.
   */
  private async startStages(deadline: number, emit: (event: BootEvent) => void, onFirstStageStarted: () => void): Promise<void> {
    const stages = this.plan.stages.length > 0 ? this.plan.stages : [[]]
    let interceptorReady: Promise<void> | undefined
    for (const [index, stage] of stages.entries()) {
      const boxes = this.boxesOf(stage)
      if (this.plan.stages.length > 0) emit({ type: 'stage', stage: index, items: stage.map((i) => i.name) })
      const readiness: Array<Promise<void>> = []
      const launch = async (box: Box) => {
        await this.startBox(box, emit)
        const ready = this.waitReady(box, index, deadline, emit)
        ready.catch(() => {})
        readiness.push(ready)
      }
      await Promise.all(boxes.filter((b) => b.role === 'database').map(launch))
      if (!interceptorReady) {
        const interceptor = this.interceptor!
        interceptorReady = this.startBox(interceptor).then(() => this.waitInterceptor(interceptor, deadline))
        interceptorReady.catch(() => {})
        readiness.push(interceptorReady)
      }
      const callers = boxes.filter((b) => b.role !== 'database')
      if (callers.length > 0) {
        await interceptorReady
        await Promise.all(callers.map(launch))
      }
      this.logger.debug('stage %d started after %d ms', index, this.since())
      if (index === 0) onFirstStageStarted()
      await Promise.all(readiness)
      this.logger.debug('stage %d ready after %d ms', index, this.since())
    }
  }

  private boxesOf(stage: PlannedItem[]): Box[] {
    return stage.map((i) => this.boxes.get(i.name)!)
  }

  private create(box: Box, options: Dockerode.ContainerCreateOptions, after?: Promise<unknown>): void {
    // `.` cannot appear in an item name, so the interceptor's container name never collides.
    const name = box.role === 'interceptor' ? `dokkimi-${this.plan.runId}.interceptor` : `dokkimi-${this.plan.runId}-${box.name}`
    const created = after ? after.then(() => this.ctx.docker.createContainer({ name, ...options })) : this.ctx.docker.createContainer({ name, ...options })
    box.creating = created.then(
      (container) => {
        if (this.stopping) {
          // Teardown began while this was being created: it may not see it, so remove it here.
          void container.remove({ force: true, v: true }).catch(() => {})
          throw new DokkimiError('ENVIRONMENT_STOPPED', `[dokkimi] [docker] environment ${this.plan.runId} was stopped while starting`)
        }
        box.container = container
        this.logger.debug('%s created after %d ms', box.name, this.since())
        return container
      },
      (error: unknown) => {
        throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] the container of ${this.label(box)} could not be created: ${engineReason(error)}`, {
          cause: error,
          details: this.subject(box),
        })
      },
    )
    box.creating.catch((error: Error) => this.fail(error))
  }

  private async startBox(box: Box, emit?: (event: BootEvent) => void): Promise<void> {
    if (box.exited) return
    const container = await box.creating!
    this.checkAbort()
    emit?.({ type: 'item', item: box.name, status: 'starting' })
    const calledAt = this.since()
    try {
      await container.start()
    } catch (error) {
      throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] ${this.label(box)} could not start: ${engineReason(error)}`, { cause: error, details: this.subject(box) })
    }
    box.startedAt = Date.now()
    this.logger.debug('%s started after %d ms (engine start call: %d ms)', box.name, this.since(), this.since() - calledAt)
    const forward = box.role === 'service' || box.role === 'worker'
    box.logs = await followLogs(container, (stream, line) => {
      if (forward) this.emitLine({ item: box.name, stream, line, receivedAt: Date.now() })
    })
    box.exited = box.logs.ended.then(async () => {
      let state: Dockerode.ContainerInspectInfo['State'] | undefined
      try {
        state = (await container.inspect()).State
      } catch {
        state = undefined
      }
      return { exitCode: state && !state.Running ? state.ExitCode : null, oomKilled: state?.OOMKilled ?? false, lastLines: box.logs!.lastLines() }
    })
    void box.exited.then((exit) => this.onExit(box, exit))
    if (box.role === 'database') {
      const item = box.item as PlannedDatabase
      const info = await container.inspect()
      const binding = info.NetworkSettings.Ports[`${item.port}/tcp`]?.find((b) => b.HostIp === '127.0.0.1') ?? info.NetworkSettings.Ports[`${item.port}/tcp`]?.[0]
      if (!binding) throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] database "${box.name}": the engine published no host port for ${item.port}/tcp`)
      this.databases[box.name] = { host: '127.0.0.1', port: Number(binding.HostPort) }
    }
    this.logger.trace('%s logs followed after %d ms', box.name, this.since())
  }

  private onExit(box: Box, exit: ExitState): void {
    if (this.stopping) return
    const expected = box.role === 'worker' && exit.exitCode === 0
    if (!this.booted) {
      if (!expected) this.fail(this.crashError(box, exit, this.readyAt[box.name] ? 'after it was ready, while the environment was still starting' : 'before it was ready'))
      return
    }
    if (expected) return
    this.logger.warn('%s exited with code %s', box.name, exit.exitCode)
    for (const listener of this.crashListeners) listener({ item: box.name, exitCode: exit.exitCode, lastLines: exit.lastLines })
  }

  private emitLine(line: ConsoleLine): void {
    if (this.earlyLines) {
      if (this.earlyLines.length < 5_000) this.earlyLines.push(line)
      return
    }
    for (const listener of this.consoleListeners) listener(line)
  }

  private label(box: Box): string {
    return box.role === 'interceptor' ? 'the interceptor' : `item "${box.name}"`
  }

  /** `details` naming what failed: `{item}` for an item, `{interceptor: true}` for the interceptor. */
  private subject(box: Box): Record<string, unknown> {
    return box.role === 'interceptor' ? { interceptor: true } : { item: box.name }
  }

  private crashError(box: Box, exit: ExitState, when: string): DokkimiError {
    const code = exit.exitCode === null ? 'an unknown code' : `code ${exit.exitCode}`
    const oom = exit.oomKilled ? ' (killed: out of memory)' : ''
    const lines = exit.lastLines.length ? `. ${exit.lastLines.length === 1 ? 'Its last log line' : `Last ${exit.lastLines.length} log lines`}:\n${exit.lastLines.map((l) => `  ${l}`).join('\n')}` : '. It wrote no log lines'
    return new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] ${this.label(box)} exited with ${code}${oom} ${when}${lines}`, {
      details: { ...this.subject(box), exitCode: exit.exitCode, lastLines: exit.lastLines },
    })
  }

  private async waitInterceptor(box: Box, deadline: number): Promise<void> {
    const container = await box.creating!
    const info = await container.inspect()
    const port = (p: number) => {
      const bindings = info.NetworkSettings.Ports[`${p}/tcp`]
      const binding = bindings?.find((b) => b.HostIp === '127.0.0.1') ?? bindings?.[0]
      if (!binding) throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] the interceptor has no published host port for ${p}/tcp`)
      return Number(binding.HostPort)
    }
    this.controlUrl = `http://127.0.0.1:${port(INTERCEPTOR_CONTROL_PORT)}`
    this.ingressUrl = `http://127.0.0.1:${port(INTERCEPTOR_INGRESS_PORT)}`
    const controlPort = port(INTERCEPTOR_CONTROL_PORT)
    // It opens DNS right after its control port: wait for both.
    await this.poll(box, deadline, 'GET /health on its control port and a DNS answer', async (t) => {
      const health = await probeHttp('127.0.0.1', controlPort, '/health', t)
      return health.ok ? probeDns(box.ip, 53, t) : health
    })
    this.interceptorReadyAt = Date.now()
    this.logger.debug('interceptor ready after %d ms, %d ms after start', this.since(), this.interceptorReadyAt - (box.startedAt ?? 0))
  }

  private async waitReady(box: Box, stage: number, deadline: number, emit: (event: BootEvent) => void): Promise<void> {
    const item = box.item!
    const ready = item.ready
    try {
      switch (ready.kind) {
        case 'http':
          await this.poll(box, deadline, `health check GET ${ready.path} on port ${ready.port}`, (t) => probeHttp(box.ip, ready.port, ready.path, t))
          break
        case 'tcp':
          await this.poll(box, deadline, `TCP connect to port ${ready.port}`, (t) => probeTcp(box.ip, ready.port, t))
          break
        case 'database': {
          const endpoint = this.databases[box.name]!
          await this.poll(box, deadline, `an authenticated query`, (t) => probeDatabase(item as PlannedDatabase, box.ip, endpoint, t))
          break
        }
        case 'none':
          this.checkAbort()
          break
      }
    } catch (error) {
      this.fail(error as Error)
      throw error
    }
    this.readyAt[box.name] = Date.now()
    this.logger.debug('%s ready (stage %d) %d ms after start', box.name, stage, this.readyAt[box.name]! - (box.startedAt ?? 0))
    emit({ type: 'item', item: box.name, status: 'ready' })
  }

  /** Probes until ready, the container exits, the deadline passes, or the boot fails elsewhere. */
  private async poll(box: Box, deadline: number, what: string, probe: (timeoutMs: number) => Promise<ProbeResult>): Promise<void> {
    const began = performance.now()
    let delay = 50
    let last: Extract<ProbeResult, { ok: false }> | undefined
    const exited = box.exited!.then((exit) => ({ exit }))
    for (;;) {
      this.checkAbort()
      const remaining = deadline - performance.now()
      if (remaining <= 0) throw this.notReadyError(box, what, last)
      const outcome = await Promise.race([probe(Math.min(PROBE_TIMEOUT_MS, remaining)), exited])
      if ('exit' in outcome) {
        if (box.role === 'worker' && outcome.exit.exitCode === 0) return
        const error = this.crashError(box, outcome.exit, 'before it was ready')
        this.fail(error)
        throw error
      }
      if (outcome.ok) return
      if (outcome.seen !== last?.seen) this.logger.trace('%s: %s after %d ms', box.name, outcome.seen, Math.round(performance.now() - began))
      last = outcome
      delay = nextDelay(performance.now() - began, delay)
      await sleep(Math.min(delay, Math.max(0, deadline - performance.now())), undefined, { signal: this.bootAbort.signal }).catch(() => {})
    }
  }

  private notReadyError(box: Box, what: string, last: ProbeResult | undefined): DokkimiError {
    const seen = last && !last.ok ? last : undefined
    const details = { ...this.subject(box), ...(seen?.status !== undefined ? { status: seen.status, body: seen.body } : {}), lastLines: box.logs?.lastLines() ?? [] }
    const within = `within ${this.plan.timeoutMs} ms`
    if (seen?.status !== undefined) {
      return new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] ${this.label(box)} never passed its ${what} ${within}: the last answer was ${seen.seen.replace(/^answered /, '')}`, { details })
    }
    const lastSeen = seen ? `; last attempt: ${seen.seen}` : ''
    return new DokkimiError('ENVIRONMENT_TIMEOUT', `[dokkimi] [docker] ${this.label(box)} was not ready ${within} (${what})${lastSeen}. Raise config.timeoutSeconds if it needs longer`, { details })
  }

  /** Removes every container (with volumes), the network and the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.teardown()
    return this.stopping
  }

  private async teardown(): Promise<void> {
    this.bootAbort.abort(new DokkimiError('ENVIRONMENT_STOPPED', '[dokkimi] [docker] environment stopped'))
    const boxes = [...(this.interceptor ? [this.interceptor] : []), ...this.boxes.values()]
    for (const box of boxes) box.logs?.close()
    await Promise.all(
      boxes.map(async (box) => {
        const container = await box.creating?.catch(() => undefined)
        if (!container) return
        await container.remove({ force: true, v: true }).catch((error: unknown) => {
          if ((error as { statusCode?: number }).statusCode !== 404) this.logger.warn('removing %s failed: %s', box.name, engineReason(error))
        })
      }),
    )
    const network = this.network ?? (await this.networkCreating?.catch(() => undefined))
    if (network) {
      await this.ctx.docker
        .getNetwork(network.id)
        .remove()
        .catch((error: unknown) => {
          if ((error as { statusCode?: number }).statusCode !== 404) this.logger.warn('removing network %s failed: %s', network.name, engineReason(error))
        })
    }
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true })
    this.consoleListeners.clear()
    this.crashListeners.clear()
    this.untrack?.()
    this.ctx.release(this)
  }
}
