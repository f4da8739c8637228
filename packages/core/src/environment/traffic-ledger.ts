// The runner's copy of everything the environment captured: traffic records streamed from the
// interceptor's control API, and console lines from the runtime, each attributed to a step
// (ARCHITECTURE.md §5). Also the quiescence wait that match and absence checks rely on.
import { setTimeout as sleep } from 'node:timers/promises'
import type { InterceptorStatus, TrafficRecord } from '@dokkimi/interceptor'
import { Agent, request } from 'undici'
import type { ConsoleLogEntry, TrafficEntry } from '../assert/types.js'
import { DokkimiError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { ConsoleLine } from '../runtime/runtime.js'

export interface SettleOptions {
  /** How long traffic must stay quiet (nothing in flight, no new record or console line). @default 250 */
  quietMs?: number
  /** Give up waiting after this long; whatever was captured by then is final. @default 5000 */
  deadlineMs?: number
}

export const DEFAULT_QUIET_MS = 250
export const DEFAULT_SETTLE_DEADLINE_MS = 5_000

export class TrafficLedger {
  readonly records: TrafficRecord[] = []
  readonly consoleLogs: ConsoleLogEntry[] = []
  private step = 0
  private lastSeqSeen = 0
  private lastConsoleAt = 0
  private readonly abort = new AbortController()
  private readonly agent = new Agent({ keepAliveTimeout: 10_000 })
  private streamError: unknown
  private streaming: Promise<void> | undefined

  constructor(
    private readonly controlUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Starts following the interceptor's record stream. */
  start(): void {
    this.streaming ??= this.follow().catch((error: unknown) => {
      if (!this.abort.signal.aborted) {
        this.streamError = error
        this.logger.warn('record stream ended: %s', error instanceof Error ? error.message : String(error))
      }
    })
  }

  get currentStep(): number {
    return this.step
  }

  /** Tells the interceptor that step `id` begins; every record from now on carries it. */
  async beginStep(id: number): Promise<void> {
    this.step = id
    await this.control('POST', '/steps', { step: id })
  }

  addConsoleLine(line: ConsoleLine): void {
    this.lastConsoleAt = Date.now()
    this.consoleLogs.push({ timestamp: line.receivedAt / 1000, service: line.item, level: levelOf(line.line), message: line.line, step: this.step })
  }

  async status(): Promise<InterceptorStatus> {
    return (await this.control('GET', '/status')) as InterceptorStatus
  }

  /**
   * Waits until nothing is in flight, every record the interceptor numbered has arrived here, and
   * neither traffic nor console output moved for `quietMs`; or until `deadlineMs` passes.
   * Returns true when the environment went quiet, false on deadline.
   */
  async settle(options: SettleOptions = {}): Promise<boolean> {
    const quietMs = options.quietMs ?? DEFAULT_QUIET_MS
    const deadline = Date.now() + (options.deadlineMs ?? DEFAULT_SETTLE_DEADLINE_MS)
    for (;;) {
      const status = await this.status()
      const consoleIdle = Date.now() - this.lastConsoleAt
      const caughtUp = this.lastSeqSeen >= status.lastSeq
      const idle = Math.min(status.idleMs, consoleIdle)
      if (status.inFlight === 0 && caughtUp && idle >= quietMs) return true
      if (this.streamError) throw new DokkimiError('INTERCEPTOR_UNAVAILABLE', `[dokkimi] lost the interceptor's record stream: ${message(this.streamError)}`, { cause: this.streamError })
      const left = deadline - Date.now()
      if (left <= 0) return false
      const wait = status.inFlight > 0 || !caughtUp ? 20 : Math.max(10, quietMs - idle)
      await sleep(Math.min(wait, left))
    }
  }

  /**
   * Waits (briefly) until every exchange the interceptor has finished is in the ledger, and until
   * `expect` (when given) matches a record: a step's report then always holds the step's own call.
   */
  async catchUp(expect?: (record: TrafficRecord) => boolean, timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const status = await this.status()
      const done = this.records.length >= status.lastSeq - status.inFlight && (!expect || this.records.some(expect))
      if (done || Date.now() >= deadline || this.streamError) return
      await sleep(5)
    }
  }

  /** Traffic captured while one of `steps` was current, as assertion entries (F-231, F-244). */
  traffic(steps: (step: number) => boolean): TrafficEntry[] {
    return this.records.filter((r) => steps(r.step)).map(toEntry)
  }

  console(steps: (step: number) => boolean): ConsoleLogEntry[] {
    return this.consoleLogs.filter((l) => steps(l.step))
  }

  async close(): Promise<void> {
    this.abort.abort()
    await this.streaming
    await this.agent.close().catch(() => {})
  }

  private async follow(): Promise<void> {
    const res = await request(`${this.controlUrl}/records/stream?after=0`, {
      dispatcher: this.agent,
      signal: this.abort.signal,
      bodyTimeout: 0,
      headersTimeout: 10_000,
    })
    if (res.statusCode !== 200) throw new Error(`GET /records/stream answered ${res.statusCode}`)
    let buffered = ''
    for await (const chunk of res.body) {
      buffered += (chunk as Buffer).toString('utf8')
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        if (line.trim()) this.accept(JSON.parse(line) as TrafficRecord)
      }
    }
  }

  private accept(record: TrafficRecord): void {
    // Records arrive in completion order; keep the ledger sorted by arrival (seq).
    let i = this.records.length
    while (i > 0 && this.records[i - 1]!.seq > record.seq) i--
    this.records.splice(i, 0, record)
    this.lastSeqSeen = Math.max(this.lastSeqSeen, contiguousMax(this.records))
  }

  private async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    try {
      const res = await request(`${this.controlUrl}${path}`, {
        method,
        dispatcher: this.agent,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
      const text = await res.body.text()
      if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 200)}`)
      return text ? JSON.parse(text) : undefined
    } catch (error) {
      throw new DokkimiError('INTERCEPTOR_UNAVAILABLE', `[dokkimi] the interceptor's control API did not answer ${method} ${path}: ${message(error)}`, { cause: error })
    }
  }
}

/** Highest seq n such that every record 1..n is present (records is sorted by seq). */
function contiguousMax(records: TrafficRecord[]): number {
  let n = 0
  for (const r of records) {
    if (r.seq !== n + 1) break
    n = r.seq
  }
  return n
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** F-245: level inferred from the text. */
export function levelOf(line: string): ConsoleLogEntry['level'] {
  if (line.includes('[ERROR]') || line.includes('ERROR:')) return 'ERROR'
  if (line.includes('[WARN]') || line.includes('WARN:')) return 'WARN'
  if (line.includes('[DEBUG]') || line.includes('DEBUG:')) return 'DEBUG'
  return 'INFO'
}

/** A record as assertions see it (F-244); the runner's own calls have origin `test`. */
export function toEntry(record: TrafficRecord): TrafficEntry {
  const origin = record.origin
  return {
    seq: record.seq,
    step: record.step,
    timestamp: record.startedAt / 1000,
    origin,
    from: origin,
    to: record.target,
    responseTime: record.response ? record.durationMs : null,
    mocked: record.outcome === 'mocked',
    outcome: record.outcome,
    request: { method: record.method, url: record.url, headers: record.request.headers, body: record.request.body ?? {} },
    response: record.response ? { status: record.response.status, headers: record.response.headers, body: record.response.body ?? {} } : null,
    requestTimelineIndex: -1,
    responseTimelineIndex: -1,
  }
}
