// createEnvironment(): plan → runtime start → a StartedEnvironment the step runner drives
// (ARCHITECTURE.md §3, STYLE.md rule 11). Always async-disposable: `await using env = …`.
import type { Definition } from '@dokkimi/resolver'
import { ProxyAgent } from 'undici'
import { DokkimiError, isDokkimiError } from '../errors.js'
import { createLogger, type Logger } from '../logger.js'
import type { BootEvent, EnvironmentPlan, Runtime, RuntimeEnvironment, RuntimeFactory } from '../runtime/runtime.js'
import type { HttpTarget } from '../steps/_http.js'
import type { DatabaseClient } from '../db/open-database.js'
import type { StepEnvironment } from '../steps/run-steps.js'
import { createCertificateAuthority, type CertificateAuthority } from './certificate-authority.js'
import { createRunId, planEnvironment } from './plan-environment.js'
import { TrafficLedger, type SettleOptions } from './traffic-ledger.js'

export interface CreateEnvironmentOptions {
  /** A live runtime, or a factory such as `docker()` (created and disposed with the environment). */
  runtime: Runtime | RuntimeFactory
  signal?: AbortSignal
  /** Labels the environment with a test session id, so `runtime.sweep({ session })` can remove it. */
  session?: string
  onProgress?: (event: BootEvent) => void
  /** Quiet period and deadline for match and absence checks (ARCHITECTURE.md §5). */
  settle?: SettleOptions
  /**
   * Opens a client for a DATABASE item. Defaults to the built-in drivers (pg, mysql2, ioredis,
   * mongodb), loaded on first use.
   */
  openDatabase?: (item: Extract<Definition['items'][number], { type: 'DATABASE' }>, endpoint: { host: string; port: number }) => Promise<DatabaseClient>
}

/** A running environment: the interceptor's ledger, the HTTP dispatcher, database clients. */
export class StartedEnvironment implements StepEnvironment, AsyncDisposable {
  readonly http: HttpTarget
  private stepId = 0
  private readonly clients = new Map<string, Promise<DatabaseClient>>()
  private stopping: Promise<StoppedEnvironment> | undefined

  constructor(
    readonly definition: Definition,
    readonly plan: EnvironmentPlan,
    readonly ca: CertificateAuthority,
    readonly runtimeEnvironment: RuntimeEnvironment,
    readonly ledger: TrafficLedger,
    readonly settleOptions: SettleOptions,
    readonly bootMs: number,
    private readonly dispatcher: ProxyAgent,
    private readonly unsubscribe: Array<() => void>,
    private readonly openDatabase: NonNullable<CreateEnvironmentOptions['openDatabase']>,
    private readonly onStop: () => Promise<void>,
  ) {
    const services = new Map<string, number>()
    for (const stage of plan.stages) for (const item of stage) if (item.kind === 'service') services.set(item.name, item.port)
    this.http = { services, dispatcher }
  }

  get runId(): string {
    return this.plan.runId
  }

  nextStepId(): number {
    return ++this.stepId
  }

  /** Waits until the environment's traffic is quiet; true when it went quiet before the deadline. */
  settle(options?: SettleOptions): Promise<boolean> {
    return this.ledger.settle({ ...this.settleOptions, ...options })
  }

  database(name: string): Promise<DatabaseClient> {
    let client = this.clients.get(name)
    if (!client) {
      const item = this.definition.items.find((i) => i.name === name)
      const endpoint = this.runtimeEnvironment.databases[name]
      if (item?.type !== 'DATABASE' || !endpoint) return Promise.reject(new DokkimiError('STEP_DATABASE_FAILED', `database '${name}' not found`, { details: { database: name } }))
      client = this.openDatabase(item, endpoint)
      client.catch(() => this.clients.delete(name))
      this.clients.set(name, client)
    }
    return client
  }

  /** Tears everything down: database clients, the record stream, the runtime's resources. Idempotent. */
  stop(): Promise<StoppedEnvironment> {
    this.stopping ??= (async () => {
      for (const off of this.unsubscribe) off()
      await Promise.allSettled([...this.clients.values()].map(async (c) => (await c).close()))
      await this.ledger.close()
      await this.dispatcher.close().catch(() => {})
      await this.runtimeEnvironment.stop()
      await this.onStop()
      return { runId: this.runId, definition: this.definition.name }
    })()
    return this.stopping
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

export interface StoppedEnvironment {
  runId: string
  definition: string
}

async function defaultOpenDatabase(...args: Parameters<NonNullable<CreateEnvironmentOptions['openDatabase']>>) {
  const { openDatabase } = await import('../db/open-database.js')
  return openDatabase(...args)
}

/** Starts an isolated environment for `definition` and returns it once every stage is ready. */
export async function createEnvironment(definition: Definition, options: CreateEnvironmentOptions): Promise<StartedEnvironment> {
  const logger: Logger = createLogger('dokkimi:core', definition.name)
  const started = performance.now()
  const ownsRuntime = !isRuntime(options.runtime)
  const runtime = isRuntime(options.runtime) ? options.runtime : await options.runtime.create()
  const ca = await createCertificateAuthority(definition.name)
  const plan = planEnvironment(definition, { runId: createRunId(), ca, session: options.session })
  logger.debug('starting environment %s (%d stage(s))', plan.runId, plan.stages.length)
  let runtimeEnvironment: RuntimeEnvironment
  try {
    runtimeEnvironment = await runtime.start(plan, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) })
  } catch (error) {
    if (ownsRuntime) await runtime.dispose().catch(() => {})
    if (isDokkimiError(error)) throw error
    throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] environment for ${definition.name} could not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  const ledger = new TrafficLedger(runtimeEnvironment.controlUrl, logger)
  ledger.start()
  const unsubscribe = [runtimeEnvironment.onConsole((line) => ledger.addConsoleLine(line))]
  const dispatcher = new ProxyAgent({ uri: runtimeEnvironment.ingressUrl, requestTls: { ca: ca.certPem } })
  return new StartedEnvironment(
    definition,
    plan,
    ca,
    runtimeEnvironment,
    ledger,
    options.settle ?? {},
    Math.round(performance.now() - started),
    dispatcher,
    unsubscribe,
    options.openDatabase ?? defaultOpenDatabase,
    async () => {
      if (ownsRuntime) await runtime.dispose()
    },
  )
}

function isRuntime(value: Runtime | RuntimeFactory): value is Runtime {
  return typeof (value as Runtime).start === 'function'
}
