// The handle startEnvironment() returns: HTTP calls through the interceptor, database queries,
// the captured traffic and console lines of the current step window, teardown.
import type { Definition } from '@dokkimi/resolver'
import { request, type Dispatcher } from 'undici'
import type { ConsoleLogEntry, TrafficEntry } from '../assert/types.js'
import type { DbResponse } from '../db/open-database.js'
import type { StartedEnvironment, StoppedEnvironment } from '../environment/create-environment.js'
import { toEntry, type SettleOptions } from '../environment/traffic-ledger.js'
import { DokkimiError } from '../errors.js'
import { defaultHttpTimeout, parseBody, resolveUrl } from '../steps/_http.js'
import { compileQuery, selectCalls, type CallQuery } from './_call-query.js'

/** Options of one HTTP call. */
export interface FlowRequestInit {
  headers?: Record<string, string>
  /** Sent as JSON, with `content-type: application/json` unless a content type is given. */
  json?: unknown
  /** Sent as is. */
  body?: string | Uint8Array
  /** Appended to the URL; arrays repeat the key. */
  query?: Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>>
  /** Per-call timeout in ms. @default 30000 (`DOKKIMI_HTTP_TIMEOUT`) */
  timeoutMs?: number
  signal?: AbortSignal
}

/** The answer to an HTTP call. */
export interface HttpResponse {
  status: number
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>
  /** JSON-parsed when the response is JSON, else the text (`{}` when empty, like the dbQuery/httpRequest steps). */
  body: unknown
  text: string
  durationMs: number
  /** The URL that was requested. */
  url: string
}

/** Which step windows a query reads. */
export interface WindowOptions {
  /** `current`: since the last `env.step()` (the whole run before the first one); `all`: everything. */
  step?: 'current' | 'all'
}

/** HTTP calls into the environment: `'service/path'`, `'service:port/path'` or a full URL. */
export interface FlowHttp {
  request(method: string, target: string, init?: FlowRequestInit): Promise<HttpResponse>
  get(target: string, init?: FlowRequestInit): Promise<HttpResponse>
  post(target: string, init?: FlowRequestInit): Promise<HttpResponse>
  put(target: string, init?: FlowRequestInit): Promise<HttpResponse>
  patch(target: string, init?: FlowRequestInit): Promise<HttpResponse>
  delete(target: string, init?: FlowRequestInit): Promise<HttpResponse>
  head(target: string, init?: FlowRequestInit): Promise<HttpResponse>
  options(target: string, init?: FlowRequestInit): Promise<HttpResponse>
}

/** The captured traffic. */
export interface FlowTraffic {
  /** Waits until traffic is quiet, then returns the calls of the current step window that match `query`. */
  calls(query?: CallQuery, options?: WindowOptions): Promise<TrafficEntry[]>
  /** Everything captured so far, without waiting (`{ step: 'current' }` for the current window only). */
  all(options?: WindowOptions): TrafficEntry[]
}

/** Queries against one DATABASE item. */
export interface FlowDatabase {
  /** Runs one statement; `params` by position (`$1`, `?`) or by name; a failing statement resolves with `success: false`. */
  query(query: string, params?: readonly unknown[] | Record<string, unknown>, options?: { timeoutMs?: number }): Promise<DbResponse>
}

/** A step window: traffic and console lines from its start on are attributed to it. */
export interface FlowStep {
  id: number
  name: string
}

const DB_TIMEOUT_MS = 30_000
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const

/** A running environment for TypeScript tests; `await using env = await startEnvironment(…)`. */
export class FlowEnvironment implements AsyncDisposable {
  readonly http: FlowHttp
  readonly traffic: FlowTraffic
  private current: FlowStep = { id: 0, name: '' }
  private marking: Promise<void> = Promise.resolve()
  private stopped = false

  /** `started` is the engine's environment: the escape hatch to the ledger, plan and runtime. */
  constructor(readonly started: StartedEnvironment) {
    const call = (method: string, target: string, init?: FlowRequestInit) => this.send(method, target, init)
    this.http = {
      request: call,
      ...(Object.fromEntries(METHODS.map((m) => [m, (target: string, init?: FlowRequestInit) => call(m.toUpperCase(), target, init)])) as Omit<FlowHttp, 'request'>),
    }
    this.traffic = {
      calls: async (query, options) => {
        const compiled = compileQuery(query)
        await this.settle()
        return selectCalls(this.traffic.all({ step: options?.step ?? 'current' }), compiled)
      },
      all: (options) => {
        const step = options?.step ?? 'all'
        const records = this.started.ledger.records
        return (step === 'all' ? records : records.filter((r) => r.step === this.current.id)).map(toEntry)
      },
    }
  }

  get definition(): Definition {
    return this.started.definition
  }

  get runId(): string {
    return this.started.runId
  }

  /** The current step window. */
  get currentStep(): FlowStep {
    return { ...this.current }
  }

  /** Opens a new step window named `name`: traffic and console lines from now on belong to it. */
  step(name: string): Promise<void> {
    this.assertRunning()
    const id = this.started.nextStepId()
    this.current = { id, name }
    const marking = this.started.ledger.beginStep(id)
    // Handled here so an unawaited step() is no unhandled rejection; the next call rethrows it.
    marking.catch(() => {})
    this.marking = marking
    return marking
  }

  /** Waits until traffic and console output are quiet (as match blocks do); true when quiet before the deadline. */
  async settle(options?: SettleOptions): Promise<boolean> {
    this.assertRunning()
    await this.marking
    return this.started.settle(options)
  }

  /** Console lines of the current step window (after traffic is quiet), of one item or all. */
  async consoleLogs(item?: string, options?: WindowOptions): Promise<ConsoleLogEntry[]> {
    await this.settle()
    return this.consoleLines(item, options)
  }

  /** Console lines captured so far, without waiting. */
  consoleLines(item?: string, options?: WindowOptions): ConsoleLogEntry[] {
    const all = (options?.step ?? 'current') === 'all'
    return this.started.ledger.consoleLogs.filter((l) => (all || l.step === this.current.id) && (item === undefined || l.service === item))
  }

  /** Queries a DATABASE item of the environment. */
  db(name: string): FlowDatabase {
    return {
      query: async (query, params, options) => {
        this.assertRunning()
        const client = await this.started.database(name)
        const named = Array.isArray(params) ? Object.fromEntries(params.map((v, i) => [String(i + 1), v])) : (params as Record<string, unknown> | undefined)
        return client.query(query, named, { timeoutMs: options?.timeoutMs ?? DB_TIMEOUT_MS })
      },
    }
  }

  /** Tears the environment down; idempotent. */
  stop(): Promise<StoppedEnvironment> {
    this.stopped = true
    return this.started.stop()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  private async send(method: string, target: string, init: FlowRequestInit = {}): Promise<HttpResponse> {
    this.assertRunning()
    await this.marking
    const url = resolveUrl(target, this.started.http.services)
    for (const [key, value] of Object.entries(init.query ?? {})) for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v))
    const headers: Record<string, string> = { ...init.headers }
    const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')
    let body: string | Uint8Array | undefined = init.body
    if (init.json !== undefined) {
      body = JSON.stringify(init.json)
      if (!hasType) headers['content-type'] = 'application/json'
    }
    const upper = method.toUpperCase()
    const timeout = init.timeoutMs ?? defaultHttpTimeout()
    const step = this.current.id
    const started = performance.now()
    let text: string
    let res: Dispatcher.ResponseData
    try {
      res = await request(url, { method: upper as Dispatcher.HttpMethod, headers, body, dispatcher: this.started.http.dispatcher, headersTimeout: timeout, bodyTimeout: timeout, ...(init.signal ? { signal: init.signal } : {}) })
      text = await res.body.text()
    } catch (error) {
      throw new DokkimiError('STEP_HTTP_FAILED', `[dokkimi] ${upper} ${url.href} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { method: upper, url: url.href } })
    }
    const durationMs = Math.round(performance.now() - started)
    const resHeaders: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) resHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
    // The call's own record is in the ledger before the caller asserts on traffic.
    await this.started.ledger.catchUp((r) => r.step === step && r.origin === 'test' && r.method === upper)
    return { status: res.statusCode, headers: resHeaders, body: parseBody(text, resHeaders['content-type']), text, durationMs, url: url.href }
  }

  private assertRunning(): void {
    if (this.stopped) throw new DokkimiError('ENVIRONMENT_STOPPED', `[dokkimi] the environment of ${this.definition.name} (${this.runId}) was stopped. Start a new one with startEnvironment().`)
  }
}
