// env.db() against a real PostgreSQL (Docker): the memory runtime runs the services, the
// database runs in a container the test starts and hands to the environment.
import { dockerTestsEnabled, startDatabaseContainer, type StartedDatabaseContainer } from '@dokkimi/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Runtime } from '../runtime/runtime.js'
import { memoryRuntime } from '../testing/memory-runtime.js'
import { defineEnvironment } from './define-environment.js'
import type { FlowEnvironment } from './flow-environment.js'
import { postgres, service } from './items.js'
import { shopServices } from './_shop.js'
import { startEnvironment } from './start-environment.js'

describe.runIf(dockerTestsEnabled())('env.db (Docker)', () => {
  let container: StartedDatabaseContainer
  let env: FlowEnvironment

  beforeAll(async () => {
    container = await startDatabaseContainer({ database: 'postgres', cmd: ['postgres', '-c', 'fsync=off'] })
    const memory = await memoryRuntime({ services: shopServices }).create()
    // The memory runtime without the database items, which the container stands in for.
    const runtime: Runtime = {
      name: 'memory+postgres',
      flags: memory.flags,
      sweep: (o) => memory.sweep(o),
      dispose: () => memory.dispose(),
      async start(plan, options) {
        const stages = plan.stages.map((s) => s.filter((i) => i.kind !== 'database')).filter((s) => s.length > 0)
        const started = await memory.start({ ...plan, stages }, options)
        return { ...started, databases: { 'orders-db': { host: container.host, port: container.port } } }
      },
    }
    const spec = defineEnvironment({ name: 'db', items: [service('order-service', { image: 'shop/orders:test', port: 3000, healthCheck: '/health' }), postgres('orders-db')] })
    env = await startEnvironment(spec, { runtime })
  }, 90_000)

  afterAll(async () => {
    await env?.stop()
    await container?.stop()
  })

  it('runs statements with positional or named params and returns the dbQuery result shape', async () => {
    const db = env.db('orders-db')
    expect(await db.query('CREATE TABLE orders (id text PRIMARY KEY, total int)')).toMatchObject({ success: true, error: null })
    expect(await db.query('INSERT INTO orders VALUES ($1, $2), ($3, $4)', ['ord_1', 2498, 'ord_2', 10])).toMatchObject({ success: true, rowsAffected: 2 })
    expect(await db.query('SELECT id, total FROM orders WHERE total > $1 ORDER BY id', [5])).toEqual({ success: true, data: [{ id: 'ord_1', total: 2498 }, { id: 'ord_2', total: 10 }], rowsAffected: 2, error: null })
    expect(await db.query('SELECT total FROM orders WHERE id = :id', { id: 'ord_2' })).toMatchObject({ data: [{ total: 10 }] })
    const failed = await db.query('SELECT nope FROM orders')
    expect(failed).toMatchObject({ success: false, data: [] })
    expect(failed.error).toContain('nope')
  })

  it('names an unknown database', async () => {
    await expect(env.db('missing').query('SELECT 1')).rejects.toMatchObject({ code: 'STEP_DATABASE_FAILED', message: "database 'missing' not found" })
  })
})
