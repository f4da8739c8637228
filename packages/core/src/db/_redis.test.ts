import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DatabaseItem } from '@dokkimi/resolver'
import { dockerTestsEnabled, startDatabaseContainer, type StartedDatabaseContainer } from '@dokkimi/test-utils'
import { openDatabase, type DatabaseClient } from './open-database.js'

const item = (credentials?: DatabaseItem['credentials']) => ({ type: 'DATABASE', name: 'cache', database: 'redis', credentials }) as unknown as DatabaseItem
const opts = { timeoutMs: 5000 }

describe.runIf(dockerTestsEnabled())('redis (Docker)', () => {
  let db: StartedDatabaseContainer
  let open: StartedDatabaseContainer
  let client: DatabaseClient
  let noAuth: DatabaseClient

  beforeAll(async () => {
    // F-075: credentials become `--requirepass <dbPassword>`.
    ;[db, open] = await Promise.all([
      startDatabaseContainer({ database: 'redis', cmd: ['redis-server', '--requirepass', 'dokkimi'] }),
      startDatabaseContainer({ database: 'redis' }),
    ])
    client = await openDatabase(item({ dbName: 'dokkimi', dbUser: 'dokkimi', dbPassword: 'dokkimi' }), db)
    noAuth = await openDatabase(item(), open)
  }, 60_000)

  afterAll(async () => {
    await client?.close()
    await noAuth?.close()
    await Promise.all([db?.stop(), open?.stop()])
  })

  const run = (query: string) => client.query(query, undefined, opts)

  test('scalar replies are one {value} row; nil is no row', async () => {
    expect(await run('SET greeting "hello world"')).toEqual({ success: true, data: [{ value: 'OK' }], rowsAffected: 1, error: null })
    expect(await run('GET greeting')).toEqual({ success: true, data: [{ value: 'hello world' }], rowsAffected: 1, error: null })
    expect(await run('INCR counter')).toMatchObject({ data: [{ value: 1 }] })
    expect(await run('GET missing')).toEqual({ success: true, data: [], rowsAffected: 0, error: null })
  })

  test('array replies are one row per element', async () => {
    await run('RPUSH list a "b c" d')
    expect(await run('LRANGE list 0 -1')).toEqual({ success: true, data: [{ value: 'a' }, { value: 'b c' }, { value: 'd' }], rowsAffected: 3, error: null })
  })

  test('HGETALL is one row object of field → value', async () => {
    expect((await run('HSET user:1 name "Jane Doe" plan pro')).data).toEqual([{ value: 2 }])
    expect(await run('hgetall user:1')).toEqual({ success: true, data: [{ name: 'Jane Doe', plan: 'pro' }], rowsAffected: 1, error: null })
    expect((await run('HGETALL user:404')).data).toEqual([])
  })

  test('an error reply or a malformed line is success: false', async () => {
    expect(await run('NOSUCHCOMMAND x')).toMatchObject({ success: false, error: expect.stringMatching(/^ERR unknown command/) })
    expect(await run('INCR greeting')).toMatchObject({ success: false, error: 'ERR value is not an integer or out of range' })
    expect(await run('SET k "open')).toMatchObject({ success: false, error: expect.stringContaining('unterminated quote') })
  })

  test('a command over the timeout throws STEP_TIMEOUT; the next command reconnects', async () => {
    await expect(client.query('BLPOP nothing 5', undefined, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'STEP_TIMEOUT' })
    expect((await run('PING')).data).toEqual([{ value: 'PONG' }])
  })

  test('noAuth connects without a password', async () => {
    expect((await noAuth.query('PING', undefined, opts)).data).toEqual([{ value: 'PONG' }])
  })

  test('a wrong password fails with STEP_DATABASE_FAILED', async () => {
    await expect(openDatabase(item({ dbName: 'dokkimi', dbUser: 'dokkimi', dbPassword: 'wrong' }), db)).rejects.toMatchObject({
      code: 'STEP_DATABASE_FAILED',
      message: expect.stringContaining('WRONGPASS'),
    })
  })
})
