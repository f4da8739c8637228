import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DatabaseItem } from '@dokkimi/resolver'
import { dockerTestsEnabled, startDatabaseContainer, type StartedDatabaseContainer } from '@dokkimi/test-utils'
import { openDatabase, type DatabaseClient } from './open-database.js'

const seeds = join(import.meta.dirname, '../../../resolver/test/fixtures/seeds/.dokkimi/ecommerce/init')
const item = (credentials?: DatabaseItem['credentials']) => ({ type: 'DATABASE', name: 'shop-db', database: 'postgres', credentials }) as unknown as DatabaseItem
const opts = { timeoutMs: 5000 }

describe.runIf(dockerTestsEnabled())('postgres (Docker)', () => {
  let initDir: string
  let db: StartedDatabaseContainer
  let open: StartedDatabaseContainer
  let client: DatabaseClient
  let noAuth: DatabaseClient

  beforeAll(async () => {
    // The runtime copies init files as 00_<file>, 01_<file>… (F-077); seed.sql needs schema.sql's tables.
    initDir = mkdtempSync(join(tmpdir(), 'dokkimi-pg-init-'))
    chmodSync(initDir, 0o755) // the entrypoint reads it as the engine's user, not root
    copyFileSync(join(seeds, 'schema.sql'), join(initDir, '00_schema.sql'))
    copyFileSync(join(seeds, 'seed.sql'), join(initDir, '01_seed.sql'))
    ;[db, open] = await Promise.all([
      startDatabaseContainer({ database: 'postgres', initDir, cmd: ['postgres', '-c', 'fsync=off'] }),
      startDatabaseContainer({ database: 'postgres', env: { POSTGRES_HOST_AUTH_METHOD: 'trust' } }),
    ])
    client = await openDatabase(item({ dbName: 'dokkimi', dbUser: 'dokkimi', dbPassword: 'dokkimi' }), db)
    noAuth = await openDatabase(item(), open)
  }, 90_000)

  afterAll(async () => {
    await client?.close()
    await noAuth?.close()
    await Promise.all([db?.stop(), open?.stop()])
    if (initDir) rmSync(initDir, { recursive: true, force: true })
  })

  test('init files ran in order: seeded rows are there, keyed by column, integers as numbers', async () => {
    expect(await client.query('SELECT id, sku, price_cents, stock FROM products ORDER BY id', undefined, opts)).toEqual({
      success: true,
      data: [
        { id: 1, sku: 'WIDGET-001', price_cents: 999, stock: 50 },
        { id: 2, sku: 'WIDGET-002', price_cents: 1499, stock: 30 },
        { id: 3, sku: 'GADGET-001', price_cents: 4999, stock: 5 },
      ],
      rowsAffected: 3,
      error: null,
    })
  })

  test('column types: exact numbers, ISO timestamps, dates as text, json as objects', async () => {
    const sql = `SELECT 7::int8 AS big, 9007199254740993::int8 AS huge, 12.50::numeric AS num, 1.5::float8 AS f, true AS b,
      '2024-01-02 03:04:05.678'::timestamp AS ts, '2024-01-02 03:04:05+02'::timestamptz AS tstz, '2024-01-02'::date AS d,
      '{"a":[1]}'::jsonb AS j, ARRAY[1,2]::int8[] AS arr, NULL AS n, 'x'::text AS t`
    const { data } = await client.query(sql, undefined, opts)
    expect(data).toEqual([
      {
        big: 7,
        huge: '9007199254740993',
        num: 12.5,
        f: 1.5,
        b: true,
        ts: '2024-01-02T03:04:05.678Z',
        tstz: '2024-01-02T01:04:05.000Z',
        d: '2024-01-02',
        j: { a: [1] },
        arr: [1, 2],
        n: null,
        t: 'x',
      },
    ])
  })

  test('INSERT reports rowsAffected and no rows; RETURNING returns rows', async () => {
    expect(await client.query("INSERT INTO customers (email, name) VALUES ('a@x.io', 'A'), ('b@x.io', 'B')", undefined, opts)).toEqual({
      success: true,
      data: [],
      rowsAffected: 2,
      error: null,
    })
    const returned = await client.query("UPDATE products SET stock = stock - 1 WHERE sku LIKE 'WIDGET%' RETURNING sku, stock", undefined, opts)
    expect(returned).toMatchObject({ success: true, rowsAffected: 2 })
    expect(returned.data).toEqual(expect.arrayContaining([{ sku: 'WIDGET-001', stock: 49 }, { sku: 'WIDGET-002', stock: 29 }]))
  })

  test('the seed moved the sequences: a new customer gets id 11 or more', async () => {
    const { data } = await client.query("INSERT INTO customers (email, name) VALUES ('c@x.io', 'C') RETURNING id", undefined, opts)
    expect((data[0] as { id: number }).id).toBeGreaterThan(10)
  })

  test('numbered params, a repeated $N reusing its value', async () => {
    expect((await client.query('SELECT sku FROM products WHERE price_cents > $1 AND stock >= $2 ORDER BY id', { '1': 1000, '2': 5 }, opts)).data).toEqual([
      { sku: 'WIDGET-002' },
      { sku: 'GADGET-001' },
    ])
    expect((await client.query('SELECT $1::int + $1::int AS two', { '1': 21 }, opts)).data).toEqual([{ two: 42 }])
  })

  test('named params $name and :name, next to ::casts and string literals', async () => {
    const { data } = await client.query("SELECT sku, ':sku' AS literal, :n::int AS n FROM products WHERE sku = :sku OR sku = $other ORDER BY id", { sku: 'WIDGET-001', other: 'GADGET-001', n: '3' }, opts)
    expect(data).toEqual([
      { sku: 'WIDGET-001', literal: ':sku', n: 3 },
      { sku: 'GADGET-001', literal: ':sku', n: 3 },
    ])
  })

  test('a failing statement is success: false with the engine message; the connection stays usable', async () => {
    expect(await client.query('SELECT * FROM nope', undefined, opts)).toEqual({ success: false, data: [], rowsAffected: 0, error: 'relation "nope" does not exist' })
    expect((await client.query('SELECT $1', {}, opts)).error).toMatch(/there is no parameter \$1/)
    expect((await client.query('SELECT 1 AS one', undefined, opts)).data).toEqual([{ one: 1 }])
  })

  test('a statement over the timeout throws STEP_TIMEOUT; the next query works', async () => {
    const started = Date.now()
    await expect(client.query('SELECT pg_sleep(5)', undefined, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'STEP_TIMEOUT' })
    expect(Date.now() - started).toBeLessThan(2500)
    expect((await client.query('SELECT 2 AS two', undefined, opts)).data).toEqual([{ two: 2 }])
  })

  test('noAuth connects as the image default user without a password', async () => {
    expect((await noAuth.query('SELECT current_user AS u, current_database() AS d', undefined, opts)).data).toEqual([{ u: 'postgres', d: 'postgres' }])
  })

  test('a wrong password fails at once with STEP_DATABASE_FAILED', async () => {
    const started = Date.now()
    await expect(openDatabase(item({ dbName: 'dokkimi', dbUser: 'dokkimi', dbPassword: 'wrong' }), db)).rejects.toMatchObject({
      code: 'STEP_DATABASE_FAILED',
      message: expect.stringContaining('password authentication failed for user "dokkimi"'),
    })
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
