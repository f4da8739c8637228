import { describe, expect, test } from 'vitest'
import type { DatabaseItem } from '@dokkimi/resolver'
import { isDokkimiError } from '../errors.js'
import { createClient, type EngineDriver, type FailureKind } from './_client.js'
import { openDatabase } from './open-database.js'

class FakeError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message)
  }
}

/** A driver whose connects fail with the queued errors, then succeed; queries run `behaviour`. */
function fakeDriver(connectFailures: FakeError[], behaviour: (query: string) => Promise<unknown> = async () => [{ ok: 1 }]) {
  const log: string[] = []
  let n = 0
  const driver: EngineDriver<number> = {
    engine: 'postgres',
    label: 'postgres database "db" at fake:1',
    guardGraceMs: 0,
    async connect() {
      const failure = connectFailures.shift()
      log.push(failure ? `connect failed: ${failure.message}` : `connect #${++n}`)
      if (failure) throw failure
      return n
    },
    async run(conn, query) {
      log.push(`run ${query} on #${conn}`)
      const rows = (await behaviour(query)) as unknown[]
      return { success: true, data: rows, rowsAffected: rows.length, error: null }
    },
    async close(conn) {
      log.push(`close #${conn}`)
    },
    destroy(conn) {
      log.push(`destroy #${conn}`)
    },
    classify: (error) => (error instanceof FakeError ? error.kind : 'lost'),
  }
  return { driver, log }
}

const caught = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a rejection')
}

describe('createClient', () => {
  test('retries transient connection failures, then connects', async () => {
    const { driver, log } = fakeDriver([new FakeError('transient', 'ECONNREFUSED'), new FakeError('transient', 'ECONNREFUSED')])
    const client = await createClient(driver, { retryDelaysMs: [1, 1] })
    expect(await client.query('q', undefined, { timeoutMs: 1000 })).toEqual({ success: true, data: [{ ok: 1 }], rowsAffected: 1, error: null })
    expect(log).toEqual(['connect failed: ECONNREFUSED', 'connect failed: ECONNREFUSED', 'connect #1', 'run q on #1'])
  })

  test('gives up after 3 attempts with a STEP_DATABASE_FAILED error', async () => {
    const { driver } = fakeDriver([1, 2, 3].map(() => new FakeError('transient', 'connect ECONNREFUSED fake:1')))
    const error = await caught(createClient(driver, { retryDelaysMs: [1, 1] }))
    expect(isDokkimiError(error)).toBe(true)
    expect([error.code, error.message]).toMatchInlineSnapshot(`
      [
        "STEP_DATABASE_FAILED",
        "cannot connect to postgres database "db" at fake:1: connect ECONNREFUSED fake:1 (3 attempts)",
      ]
    `)
  })

  test('does not retry an authentication failure', async () => {
    const { driver, log } = fakeDriver([new FakeError('auth', 'password authentication failed for user "dokkimi"')])
    const error = await caught(createClient(driver, { retryDelaysMs: [1, 1] }))
    expect(error.message).toMatchInlineSnapshot(`"authentication to postgres database "db" at fake:1 failed: password authentication failed for user "dokkimi""`)
    expect(log).toHaveLength(1)
  })

  test('a failing statement is a result with success: false', async () => {
    const { driver } = fakeDriver([], async () => {
      throw new FakeError('statement', 'relation "nope" does not exist')
    })
    const client = await createClient(driver)
    expect(await client.query('SELECT * FROM nope', undefined, { timeoutMs: 1000 })).toEqual({
      success: false,
      data: [],
      rowsAffected: 0,
      error: 'relation "nope" does not exist',
    })
  })

  test('a query over its timeout drops the connection and throws STEP_TIMEOUT; the next query reconnects', async () => {
    const { driver, log } = fakeDriver([], (query) => (query === 'slow' ? new Promise(() => undefined) : Promise.resolve([])))
    const client = await createClient(driver)
    const error = await caught(client.query('slow', undefined, { timeoutMs: 50 }))
    expect([error.code, error.message]).toMatchInlineSnapshot(`
      [
        "STEP_TIMEOUT",
        "query on postgres database "db" at fake:1 did not finish within 50 ms; raise the step's "timeout" if it needs longer",
      ]
    `)
    await client.query('fast', undefined, { timeoutMs: 50 })
    expect(log).toEqual(['connect #1', 'run slow on #1', 'destroy #1', 'connect #2', 'run fast on #2'])
  })

  test('a connection lost during a query throws; the next query reconnects', async () => {
    const { driver, log } = fakeDriver([], async (query) => {
      if (query === 'boom') throw new FakeError('lost', 'Connection terminated unexpectedly')
      return []
    })
    const client = await createClient(driver)
    const error = await caught(client.query('boom', undefined, { timeoutMs: 1000 }))
    expect(error.message).toMatchInlineSnapshot(`"the connection to postgres database "db" at fake:1 failed during the query: Connection terminated unexpectedly"`)
    await client.query('next', undefined, { timeoutMs: 1000 })
    await client.close()
    expect(log).toEqual(['connect #1', 'run boom on #1', 'destroy #1', 'connect #2', 'run next on #2', 'close #2'])
  })

  test('queries run one at a time, in call order', async () => {
    const order: string[] = []
    const { driver } = fakeDriver([], async (query) => {
      order.push(`start ${query}`)
      await new Promise((resolve) => setTimeout(resolve, query === 'a' ? 30 : 1))
      order.push(`end ${query}`)
      return []
    })
    const client = await createClient(driver)
    await Promise.all([client.query('a', undefined, { timeoutMs: 1000 }), client.query('b', undefined, { timeoutMs: 1000 })])
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b'])
  })
})

describe('openDatabase', () => {
  const item = (database: DatabaseItem['database']) =>
    ({ type: 'DATABASE', name: 'db', database, credentials: { dbName: 'dokkimi', dbUser: 'dokkimi', dbPassword: 'dokkimi' } }) as unknown as DatabaseItem

  test.each(['postgres', 'mysql', 'redis'] as const)('%s: a refused connection fails after 3 attempts', async (database) => {
    const started = Date.now()
    const error = await caught(openDatabase(item(database), { host: '127.0.0.1', port: 1 }))
    expect(error.code).toBe('STEP_DATABASE_FAILED')
    expect(error.message).toContain(`cannot connect to ${database} database "db" at 127.0.0.1:1: `)
    expect(error.message).toContain('ECONNREFUSED')
    expect(error.message).toContain('(3 attempts)')
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
  })
})
