import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DatabaseItem } from '@dokkimi/resolver'
import { dockerTestsEnabled, startDatabaseContainer, type StartedDatabaseContainer } from '@dokkimi/test-utils'
import { openDatabase, type DatabaseClient } from './open-database.js'

const item = (credentials?: DatabaseItem['credentials']) => ({ type: 'DATABASE', name: 'shop-db', database: 'mysql', credentials }) as unknown as DatabaseItem
const opts = { timeoutMs: 5000 }

const SCHEMA = `CREATE TABLE products (
  id INT PRIMARY KEY AUTO_INCREMENT,
  sku VARCHAR(50) UNIQUE NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  stock BIGINT NOT NULL DEFAULT 0,
  added DATETIME NOT NULL,
  day DATE,
  attrs JSON
);`
const SEED = `INSERT INTO products (sku, price, stock, added, day, attrs) VALUES
  ('WIDGET-001', 9.99, 50, '2024-01-02 03:04:05', '2024-01-02', '{"color":"blue"}'),
  ('WIDGET-002', 14.99, 30, '2024-01-03 00:00:00', NULL, NULL);`

describe.runIf(dockerTestsEnabled())('mysql (Docker)', () => {
  let initDir: string
  let db: StartedDatabaseContainer
  let open: StartedDatabaseContainer
  let client: DatabaseClient
  let noAuth: DatabaseClient

  beforeAll(async () => {
    initDir = mkdtempSync(join(tmpdir(), 'dokkimi-mysql-init-'))
    chmodSync(initDir, 0o755) // the entrypoint reads it as the engine's user, not root
    writeFileSync(join(initDir, '00_schema.sql'), SCHEMA)
    writeFileSync(join(initDir, '01_seed.sql'), SEED)
    ;[db, open] = await Promise.all([
      startDatabaseContainer({ database: 'mysql', initDir }),
      startDatabaseContainer({ database: 'mysql', env: { MYSQL_ALLOW_EMPTY_PASSWORD: 'yes' } }),
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

  test('init files ran in order; DECIMAL and BIGINT as numbers, DATETIME as ISO, DATE as text, JSON parsed', async () => {
    expect(await client.query('SELECT * FROM products ORDER BY id', undefined, opts)).toEqual({
      success: true,
      data: [
        { id: 1, sku: 'WIDGET-001', price: 9.99, stock: 50, added: '2024-01-02T03:04:05.000Z', day: '2024-01-02', attrs: { color: 'blue' } },
        { id: 2, sku: 'WIDGET-002', price: 14.99, stock: 30, added: '2024-01-03T00:00:00.000Z', day: null, attrs: null },
      ],
      rowsAffected: 2,
      error: null,
    })
  })

  test('row-returning statements: WITH, SHOW, DESCRIBE, EXPLAIN', async () => {
    expect((await client.query('WITH x AS (SELECT 1 AS one) SELECT * FROM x', undefined, opts)).data).toEqual([{ one: 1 }])
    expect((await client.query("SHOW TABLES LIKE 'products'", undefined, opts)).rowsAffected).toBe(1)
    expect((await client.query('DESCRIBE products', undefined, opts)).rowsAffected).toBe(7)
    expect((await client.query('EXPLAIN SELECT * FROM products', undefined, opts)).success).toBe(true)
  })

  test('INSERT and UPDATE report rowsAffected and no rows', async () => {
    expect(await client.query("INSERT INTO products (sku, price, added) VALUES ('A', 1, NOW()), ('B', 2, NOW())", undefined, opts)).toEqual({
      success: true,
      data: [],
      rowsAffected: 2,
      error: null,
    })
    expect(await client.query("UPDATE products SET stock = 1 WHERE sku IN ('A', 'B')", undefined, opts)).toMatchObject({ data: [], rowsAffected: 2 })
  })

  test('? params consumed positionally with keys "1"…"N"; a ? inside a string is not one', async () => {
    const { data } = await client.query("SELECT sku, '?' AS q FROM products WHERE price > ? AND sku LIKE ? ORDER BY id", { '1': 10, '2': 'WIDGET%' }, opts)
    expect(data).toEqual([{ sku: 'WIDGET-002', q: '?' }])
    expect((await client.query('SELECT ? AS a', { '1': "it's" }, opts)).data).toEqual([{ a: "it's" }])
  })

  test('a failing statement is success: false with the engine message; several statements are refused', async () => {
    expect(await client.query('SELECT * FROM nope', undefined, opts)).toEqual({
      success: false,
      data: [],
      rowsAffected: 0,
      error: "Table 'dokkimi.nope' doesn't exist",
    })
    expect((await client.query('SELECT 1; SELECT 2', undefined, opts)).success).toBe(false)
    expect((await client.query('SELECT 1 AS one', undefined, opts)).data).toEqual([{ one: 1 }])
  })

  test('a statement over the timeout throws STEP_TIMEOUT; the next query reconnects', async () => {
    const started = Date.now()
    await expect(client.query('SELECT SLEEP(5)', undefined, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'STEP_TIMEOUT' })
    expect(Date.now() - started).toBeLessThan(2500)
    expect((await client.query('SELECT 2 AS two', undefined, opts)).data).toEqual([{ two: 2 }])
  })

  test('noAuth connects as root without a password and without a database', async () => {
    expect((await noAuth.query('SELECT CURRENT_USER() AS u, DATABASE() AS d', undefined, opts)).data).toEqual([{ u: 'root@%', d: null }])
  })

  test('a wrong password fails at once with STEP_DATABASE_FAILED', async () => {
    await expect(openDatabase(item({ dbName: 'dokkimi', dbUser: 'dokkimi', dbPassword: 'wrong' }), db)).rejects.toMatchObject({
      code: 'STEP_DATABASE_FAILED',
      message: expect.stringContaining("Access denied for user 'dokkimi'"),
    })
  })
})
