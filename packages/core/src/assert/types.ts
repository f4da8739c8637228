/** One captured HTTP exchange as assertions see it (F-244). */
export interface TrafficEntry {
  seq: number
  step: number
  timestamp: number
  origin: string
  from: string
  to: string
  responseTime: number | null
  mocked: boolean
  outcome: string
  request: { method: string; url: string; headers: Record<string, string>; body: unknown }
  response: { status: number; headers: Record<string, string>; body: unknown } | null
  requestTimelineIndex: number
  responseTimelineIndex: number
}

/** One console line of a SERVICE or WORKER (F-245). */
export interface ConsoleLogEntry {
  timestamp: number
  service: string
  level: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG'
  message: string
  step: number
}

/** The document extract and assertion paths resolve against (F-240). */
export interface RootContext {
  request: unknown
  response: unknown
  responseTime: number | null
  /** The live per-test variable map (F-187, F-189). */
  variables: Record<string, unknown>
  traffic: TrafficEntry[]
  consoleLogs: ConsoleLogEntry[]
  dbLogs: unknown[]
  messageLogs: unknown[]
  timeline: unknown[]
  /** Set inside a match block (F-227): the first match, all matches, the last match. */
  match?: unknown
  matches?: unknown[]
  lastMatch?: unknown
}

export interface AssertContext {
  /** The step's root context; `variables` is the live per-test map that `match.as` and block `extract` write into. */
  root: RootContext
  blockIndex: number
  /**
   * Waits until the environment's traffic is quiet (no request in flight, no new record for the
   * quiet period) or the settle deadline passes, then returns a fresh root with everything captured
   * so far for this step. Absent = nothing more can arrive (pure evaluation).
   */
  settle?: () => Promise<RootContext>
}

/** A traffic entry, a console-log entry, or any other log record a match block filtered. */
export type LogEntry = TrafficEntry | ConsoleLogEntry | Record<string, unknown>

export interface ClosestCall {
  entry: LogEntry
  /** The where conditions this entry does not satisfy; `path` is the `$$.` path. */
  differences: Array<{ path: string; expected: unknown; actual: unknown; operator: string }>
}

export interface AssertionResult {
  kind: 'field' | 'count' | 'match-count' | 'extract'
  passed: boolean
  blockIndex: number
  /** What was read, e.g. `path $.response.status`, `count $.response.body.items`, `match $.traffic`, `extract orderId`. */
  source?: string
  path?: string
  operator?: string
  expected?: unknown
  actual?: unknown
  error?: string
  /** One line: what failed, expected vs actual. */
  message: string
  closest?: ClosestCall[]
  /** The entries the block's match selected, when the failure concerns them (a count, a `$.match…` check). */
  matched?: LogEntry[]
  iteration?: { loop: string; index: number }
  /** True for a `disabled: true` assertion, which is not evaluated (F-232); `passed` is then true. */
  skipped?: boolean
}

export interface BlockResult {
  blockIndex: number
  passed: boolean
  kind: 'self' | 'match'
  /** Number of entries the block's match selected (summed over iterations for a match inside a loop). */
  matched?: number
  /** True when the result comes from a second evaluation after `settle()`. */
  settled: boolean
  results: AssertionResult[]
}
