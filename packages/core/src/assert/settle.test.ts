import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { assert } from './assert.js'
import { block, call, root } from './_fixtures.js'
import type { RootContext, TrafficEntry } from './types.js'

// A tiny stand-in for the environment: calls arrive on real timers, settle() waits for quiet.
function environment(quietMs = 50) {
  const traffic: TrafficEntry[] = []
  const variables: Record<string, unknown> = {}
  let pending = 0
  let lastChange = Date.now()
  let settles = 0
  return {
    variables,
    get settles() {
      return settles
    },
    arriveAfter(ms: number, entry: TrafficEntry) {
      pending++
      setTimeout(() => {
        traffic.push(entry)
        pending--
        lastChange = Date.now()
      }, ms)
    },
    root: (): RootContext => root({ traffic: [...traffic], variables }),
    settle: async (): Promise<RootContext> => {
      settles++
      while (pending > 0 || Date.now() - lastChange < quietMs) await sleep(10)
      return root({ traffic: [...traffic], variables })
    },
  }
}

const easypost = [{ path: '$$.origin', operator: 'eq', value: 'shipping-service' }, { path: '$$.request.url', operator: 'contains', value: 'api.easypost.com' }]

describe('quiescence (ARCHITECTURE §5)', () => {
  it('an absence check does not pass while a delayed call is pending: it settles, sees the call and fails', async () => {
    const env = environment()
    env.arriveAfter(200, call('shipping-service', 'POST', 'http://api.easypost.com/v2/shipments', { status: 201 }))
    const started = Date.now()
    const r = await assert(block({ match: { path: '$.traffic', where: easypost, count: 0 } }), { root: env.root(), blockIndex: 1, settle: env.settle })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(r).toMatchObject({ passed: false, settled: true, matched: 1 })
    expect(env.settles).toBe(1)
    expect(r.results[0]!.message).toMatchInlineSnapshot(`"match count failed: expected eq 0 calls matching {path: $.traffic, where: [origin eq shipping-service, request.url contains api.easypost.com]}, found 1; first: POST http://api.easypost.com/v2/shipments from shipping-service → 201"`)
  })

  it('a presence check that initially fails passes after settle', async () => {
    const env = environment()
    env.arriveAfter(200, call('shipping-service', 'POST', 'http://api.easypost.com/v2/shipments', { status: 201, responseBody: { tracking_code: 'EZ1' } }))
    const b = block({ match: { path: '$.traffic', where: easypost, count: { operator: 'gte', value: 1 } }, assertions: [{ path: '$.match.response.body.tracking_code', operator: 'exists' }] })
    const r = await assert(b, { root: env.root(), blockIndex: 0, settle: env.settle })
    expect(r).toMatchObject({ passed: true, settled: true, matched: 1 })
    expect(env.settles).toBe(1)
  })

  it('a seed-style notExists on $.match… after zero matches settles before passing', async () => {
    const env = environment()
    env.arriveAfter(150, call('shipping-service', 'POST', 'http://api.easypost.com/v2/shipments'))
    const r = await assert(block({ match: { path: '$.traffic', where: easypost }, assertions: [{ path: '$.match.response.status', operator: 'notExists' }] }), { root: env.root(), blockIndex: 0, settle: env.settle })
    // The call arrived during settle: notExists now reads its status, which exists.
    expect(r).toMatchObject({ passed: false, settled: true, matched: 1 })
    expect(r.results[0]!.message).toMatchInlineSnapshot(`"$.match.response.status: expected notExists, got 200"`)
  })

  it('settles at most once; the second evaluation is final even if it still fails', async () => {
    const env = environment()
    env.arriveAfter(300, call('shipping-service', 'POST', 'http://api.easypost.com/v2/shipments'))
    const r = await assert(block({ match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'nobody' }], count: 1 } }), { root: env.root(), blockIndex: 0, settle: env.settle })
    expect(r).toMatchObject({ passed: false, settled: true })
    expect(env.settles).toBe(1)
  })

  it('does not settle for a passing presence check, a self block, or a match over a non-log array', async () => {
    const env = environment()
    const ctx = root({ traffic: [call('shipping-service', 'POST', 'http://api.easypost.com/v2/shipments')], response: { status: 500, body: { items: [] } }, variables: env.variables })
    expect((await assert(block({ match: { path: '$.traffic', where: easypost, count: { operator: 'gte', value: 1 } } }), { root: ctx, blockIndex: 0, settle: env.settle })).settled).toBe(false)
    expect((await assert(block({ assertions: [{ path: '$.response.status', operator: 'eq', value: 201 }] }), { root: ctx, blockIndex: 0, settle: env.settle })).settled).toBe(false)
    expect((await assert(block({ match: { path: '$.response.body.items' }, assertions: [{ path: '$.match.id', operator: 'exists' }] }), { root: ctx, blockIndex: 0, settle: env.settle })).settled).toBe(false)
    expect(env.settles).toBe(0)
  })

  it('a self block counting a log source settles when it could still change: {count: $.traffic, operator: eq, value: 0}', async () => {
    const env = environment()
    env.arriveAfter(100, call('a', 'GET', 'http://b/c'))
    const r = await assert(block({ assertions: [{ count: '$.traffic', operator: 'eq', value: 0 }] }), { root: env.root(), blockIndex: 0, settle: env.settle })
    expect(r).toMatchObject({ passed: false, settled: true })
  })

  it('without settle (pure evaluation) an absence check passes on what is there', async () => {
    const r = await assert(block({ match: { path: '$.traffic', where: easypost, count: 0 } }), { root: root(), blockIndex: 0 })
    expect(r).toMatchObject({ passed: true, settled: false, matched: 0 })
  })

  it('match.as and extract are applied only from the final evaluation', async () => {
    const env = environment()
    env.variables.keep = 1
    env.arriveAfter(100, call('shipping-service', 'POST', 'http://api.easypost.com/v2/shipments', { responseBody: { tracking_code: 'EZ9' } }))
    const b = block({ match: { path: '$.traffic', where: easypost, as: 'shipments', count: 1 }, extract: { tracking: '$.match.response.body.tracking_code' } })
    const seen: unknown[] = []
    const settle = async () => {
      seen.push(structuredClone(env.variables))
      return env.settle()
    }
    const r = await assert(b, { root: env.root(), blockIndex: 0, settle })
    expect(r).toMatchObject({ passed: true, settled: true })
    expect(seen).toEqual([{ keep: 1 }])
    expect(env.variables).toMatchObject({ keep: 1, tracking: 'EZ9', shipments: [{ origin: 'shipping-service' }] })
  })
})
