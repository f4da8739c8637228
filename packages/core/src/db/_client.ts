// What every engine shares: one connection per client, opened with retries (F-145), queries run
// one at a time under a client-side timeout guard, and the failure → result/error mapping.
import { setTimeout as sleep } from 'node:timers/promises'
import { DokkimiError, type DokkimiErrorCode } from '../errors.js'
import type { DatabaseClient, DbResponse } from './open-database.js'

/** How a driver error counts: a failing statement (a result), or a failure of the connection or of time (a throw). */
export type FailureKind = 'statement' | 'timeout' | 'auth' | 'transient' | 'lost'

export interface EngineDriver<C> {
  engine: 'postgres' | 'mysql' | 'redis' | 'mongodb'
  /** Names the database in messages: `postgres database "db" at 127.0.0.1:5432`. */
  label: string
  /** Opens one connection; `onLost` is called if it dies while idle. */
  connect(onLost: () => void): Promise<C>
  /** Runs one query; driver errors are thrown as is and classified by `classify`. */
  run(conn: C, query: string, params: Record<string, unknown> | undefined, timeoutMs: number): Promise<DbResponse>
  close(conn: C): Promise<void>
  /** Drops a connection that can no longer be trusted (timed out or broken), without waiting. */
  destroy(conn: C): void
  classify(error: unknown): FailureKind
  /** Time the client-side guard adds to `timeoutMs`, so the engine's own timeout answers first. */
  guardGraceMs: number
}

/** Delays between connection attempts: 3 attempts, 500 ms doubling (F-138, F-145). */
export const CONNECT_RETRY_DELAYS_MS = [500, 1000]

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])

/** True for socket-level failures worth another connection attempt. */
export function isNetworkError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isNetworkError)
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && TRANSIENT_CODES.has(code)
}

/** The message of a driver error; Node's AggregateError (one per address tried) has an empty one. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0 && !error.message) return error.errors.map(errorMessage).join('; ')
  if (error instanceof Error) return error.message || (error as { code?: string }).code || error.name
  return String(error)
}

const TIMED_OUT = Symbol('timed out')

/** Wraps a driver into a DatabaseClient and opens its first connection. */
export async function createClient<C>(driver: EngineDriver<C>, options: { retryDelaysMs?: number[] } = {}): Promise<DatabaseClient> {
  const delays = options.retryDelaysMs ?? CONNECT_RETRY_DELAYS_MS
  let conn: C | undefined
  let closed = false
  let tail: Promise<unknown> = Promise.resolve()

  const fail = (code: DokkimiErrorCode, message: string, cause?: unknown) =>
    new DokkimiError(code, message, { cause, details: { engine: driver.engine, target: driver.label } })

  const drop = (c: C) => {
    if (conn === c) conn = undefined
    driver.destroy(c)
  }

  const connect = async (): Promise<C> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const c: C = await driver.connect(() => {
          if (conn === c) conn = undefined
        })
        return c
      } catch (error) {
        const kind = driver.classify(error)
        if (kind === 'auth') throw fail('STEP_DATABASE_FAILED', `authentication to ${driver.label} failed: ${errorMessage(error)}`, error)
        const retry = kind === 'transient' || kind === 'lost' || kind === 'timeout'
        const delay = delays[attempt - 1]
        if (!retry || delay === undefined) {
          const tries = attempt === 1 ? '' : ` (${attempt} attempts)`
          throw fail('STEP_DATABASE_FAILED', `cannot connect to ${driver.label}: ${errorMessage(error)}${tries}`, error)
        }
        await sleep(delay)
      }
    }
  }

  // One statement at a time per connection, in call order.
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task)
    tail = run.catch(() => undefined)
    return run
  }

  const runQuery = async (query: string, params: Record<string, unknown> | undefined, timeoutMs: number): Promise<DbResponse> => {
    if (closed) throw fail('STEP_DATABASE_FAILED', `the connection to ${driver.label} is closed`)
    const c = conn ?? (conn = await connect())
    let timer: NodeJS.Timeout | undefined
    const guard = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs + driver.guardGraceMs)
    })
    const running = driver.run(c, query, params, timeoutMs)
    try {
      const result = await Promise.race([running, guard])
      if (result !== TIMED_OUT) return result
      running.catch(() => undefined)
      drop(c)
    } catch (error) {
      const kind = driver.classify(error)
      if (kind === 'statement') return { success: false, data: [], rowsAffected: 0, error: errorMessage(error) }
      drop(c)
      if (kind !== 'timeout') throw fail('STEP_DATABASE_FAILED', `the connection to ${driver.label} failed during the query: ${errorMessage(error)}`, error)
    } finally {
      clearTimeout(timer)
    }
    throw fail('STEP_TIMEOUT', `query on ${driver.label} did not finish within ${timeoutMs} ms; raise the step's "timeout" if it needs longer`)
  }

  conn = await connect()
  return {
    query: (query, params, { timeoutMs }) => serial(() => runQuery(query, params, timeoutMs)),
    close: () =>
      serial(async () => {
        closed = true
        const c = conn
        conn = undefined
        if (c !== undefined) await driver.close(c).catch(() => driver.destroy(c))
      }),
  }
}
