import { describe, expect, it } from 'vitest'
import { assert } from './assert.js'
import { block, call, http, log, root } from './_fixtures.js'
import type { RootContext } from './types.js'

const run = (input: unknown, ctx: RootContext, blockIndex = 0) => assert(block(input), { root: ctx, blockIndex })
const messages = (r: { results: { message: string }[] }) => r.results.map((x) => x.message)

const users = [
  call('api-gateway', 'POST', 'http://user-service/api/users', { body: { email: 'a@x.io' }, status: 201, responseBody: { id: 1 } }),
  call('api-gateway', 'GET', 'http://order-service/api/orders?user=1', { responseBody: [] }),
  call('user-service', 'POST', 'http://api.sendgrid.com/v3/mail/send', { body: { to: 'a@x.io' }, status: 202 }),
]

describe('assertion blocks (F-220..F-233)', () => {
  it('F-220 the kind comes from the shape: no match → self, match → match', async () => {
    expect((await run({ assertions: [{ path: '$.response.status', operator: 'eq', value: 200 }] }, http(200, {}))).kind).toBe('self')
    expect((await run({ match: { path: '$.traffic' } }, root())).kind).toBe('match')
    expect((await run({ forEach: { items: [1], as: 'x', match: { path: '$.traffic' } } }, root())).kind).toBe('match')
  })

  it('F-221 self block [{path: $.response.status, operator: eq, value: 201}, {path: $.responseTime, operator: lt, value: 500}]', async () => {
    const b = { assertions: [{ path: '$.response.status', operator: 'eq', value: 201 }, { path: '$.responseTime', operator: 'lt', value: 500 }] }
    expect(await run(b, http(201, {}), 3)).toMatchObject({ blockIndex: 3, passed: true, kind: 'self', settled: false, results: [{ passed: true, blockIndex: 3 }, { passed: true }] })
    const bad = await run(b, http(500, {}, undefined, { responseTime: 900 }))
    expect(bad.passed).toBe(false)
    expect(messages(bad)).toMatchInlineSnapshot(`
      [
        "$.response.status: expected eq 201, got 500",
        "$.responseTime: expected lt 500, got 900",
      ]
    `)
  })

  it('F-222 match path must exist and resolve to an array', async () => {
    expect(messages(await run({ match: { path: '$.response.body.items' }, assertions: [{ path: '$.match.id', operator: 'exists' }] }, http(200, {})))).toMatchInlineSnapshot(`
      [
        "match path '$.response.body.items' not found in document",
      ]
    `)
    expect(messages(await run({ match: { path: '$.response.body' } }, http(200, { a: 1 })))).toMatchInlineSnapshot(`
      [
        "match path '$.response.body' must resolve to an array, got object",
      ]
    `)
    const items = await run({ match: { path: '$.response.body.items', where: [{ path: '$$.qty', operator: 'gt', value: 1 }], count: 1 } }, http(200, { items: [{ qty: 1 }, { qty: 2 }] }))
    expect(items).toMatchObject({ passed: true, matched: 1 })
  })

  it('F-223 where [{path: $$.origin, operator: eq, value: api-gateway}, {path: $$.request.url, operator: contains, value: user-service/api/users}]', async () => {
    const b = {
      match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'api-gateway' }, { path: '$$.request.url', operator: 'contains', value: 'user-service/api/users' }], count: 1 },
      assertions: [{ path: '$.match.request.body.email', operator: 'eq', value: 'a@x.io' }],
    }
    expect(await run(b, root({ traffic: users }))).toMatchObject({ passed: true, matched: 1 })
  })

  it('F-223 where values are {{}}-interpolated and may be value references resolved against the root', async () => {
    const ctx = http(200, { userId: 1 }, undefined, { traffic: users, variables: { svc: 'order-service' } })
    const b = { match: { path: '$.traffic', where: [{ path: '$$.request.url', operator: 'contains', value: '{{svc}}' }, { path: '$$.request.url', operator: 'contains', value: { from: '$.response.body.userId' } }], count: 1 } }
    expect((await run(b, ctx)).passed).toBe(true)
  })

  it('F-224 combinators: {or: [{path: $$.request.url, operator: contains, value: /users}, {… /orders}]}, and, not', async () => {
    const or = { or: [{ path: '$$.request.url', operator: 'contains', value: '/users' }, { path: '$$.request.url', operator: 'contains', value: '/orders' }] }
    expect((await run({ match: { path: '$.traffic', where: [or], count: 2 } }, root({ traffic: users }))).passed).toBe(true)
    const nested = { and: [{ not: { path: '$$.origin', operator: 'eq', value: 'api-gateway' } }, or] }
    const r = await run({ match: { path: '$.traffic', where: [nested], count: 1 } }, root({ traffic: users }))
    expect(r.passed).toBe(false)
    expect(messages(r)).toMatchInlineSnapshot(`
      [
        "match count failed: expected eq 1 call matching {path: $.traffic, where: [and(not(origin eq api-gateway), or(request.url contains /users, request.url contains /orders))]}, found 0; closest: POST http://user-service/api/users from api-gateway → 201 (differs in origin)",
      ]
    `)
  })

  it('F-225 count: a failing count fails the block and skips its assertions, with the spec message', async () => {
    const b = {
      match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'order-service' }, { path: '$$.request.url', operator: 'contains', value: 'payment-service/api/payments' }], count: { operator: 'gte', value: 1 } },
      assertions: [{ path: '$.match.request.body.amount', operator: 'eq', value: 10 }],
      extract: { paymentId: '$.match.response.body.id' },
    }
    const ctx = root({ traffic: [call('order-service', 'POST', 'http://payment-service/api/refunds'), call('cart-service', 'POST', 'http://payment-service/api/payments')] })
    const r = await run(b, ctx)
    expect(r.passed).toBe(false)
    expect(r.results).toHaveLength(1)
    expect(r.results[0]).toMatchObject({ kind: 'match-count', source: 'match $.traffic', path: '$.traffic', operator: 'gte', expected: 1, actual: 0 })
    expect(r.results[0]!.message).toMatchInlineSnapshot(`"match count failed: expected gte 1 call matching {path: $.traffic, where: [origin eq order-service, request.url contains payment-service/api/payments]}, found 0; closest: POST http://payment-service/api/refunds from order-service → 200 (differs in request.url)"`)
    expect(r.results[0]!.closest!.map((c) => c.differences.map((d) => d.path))).toEqual([['$$.request.url'], ['$$.origin']])
    expect(ctx.variables).toEqual({})
  })

  it('F-225 count: 0 asserts absence; found entries are named in the message', async () => {
    const b = { match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'user-service' }, { path: '$$.request.url', operator: 'contains', value: 'api.sendgrid.com' }], count: 0 } }
    expect((await run(b, root())).passed).toBe(true)
    const r = await run(b, root({ traffic: users }))
    expect(messages(r)).toMatchInlineSnapshot(`
      [
        "match count failed: expected eq 0 calls matching {path: $.traffic, where: [origin eq user-service, request.url contains api.sendgrid.com]}, found 1; first: POST http://api.sendgrid.com/v3/mail/send from user-service → 202",
      ]
    `)
    expect(r.results[0]!.matched).toHaveLength(1)
    expect(r.results[0]!.closest).toBeUndefined()
  })

  it('a failing check on $.match names the matched call; a count short of its target names matched calls and near-misses apart', async () => {
    const field = await run({ match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'user-service' }] }, assertions: [{ path: '$.match.response.status', operator: 'eq', value: 200 }] }, root({ traffic: users }))
    expect(field.passed).toBe(false)
    expect(field.results[0]!.matched!.map((e) => (e as { request: { url: string } }).request.url)).toEqual(['http://api.sendgrid.com/v3/mail/send'])
    const count = await run({ match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'user-service' }], count: 2 } }, root({ traffic: users }))
    expect(count.results[0]!.matched).toHaveLength(1)
    expect(count.results[0]!.closest!.length).toBeGreaterThan(0)
  })

  it('F-277 count objects take eq, gt, gte, lt, lte', async () => {
    const ctx = root({ traffic: users })
    const ok = await Promise.all(
      [
        { operator: 'eq', value: 3 },
        { operator: 'gt', value: 2 },
        { operator: 'gte', value: 3 },
        { operator: 'lt', value: 4 },
        { operator: 'lte', value: 3 },
      ].map((count) => run({ match: { path: '$.traffic', count } }, ctx)),
    )
    expect(ok.map((r) => r.passed)).toEqual([true, true, true, true, true])
    expect(messages(await run({ match: { path: '$.traffic', count: { operator: 'lt', value: 3 } } }, ctx))).toMatchInlineSnapshot(`
      [
        "match count failed: expected lt 3 calls matching {path: $.traffic}, found 3; first: POST http://user-service/api/users from api-gateway → 201",
      ]
    `)
  })

  it('F-226 no implicit count: without count and without $.match reads an empty match passes', async () => {
    expect(await run({ match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'nobody' }] } }, root({ traffic: users }))).toMatchObject({ passed: true, matched: 0, results: [] })
  })

  it('F-227 $.match is the first match, $.lastMatch the last, $.matches all (negative index too)', async () => {
    const b = {
      match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'api-gateway' }] },
      assertions: [
        { path: '$.match.request.url', operator: 'contains', value: 'user-service' },
        { path: '$.lastMatch.request.url', operator: 'contains', value: 'order-service' },
        { count: '$.matches', operator: 'eq', value: 2 },
        { path: '$.matches[-1].request.method', operator: 'eq', value: 'GET' },
        { path: '$.matches[0].response.status', operator: 'eq', value: 201 },
      ],
    }
    const r = await run(b, root({ traffic: users }))
    expect(r.results.filter((x) => !x.passed)).toEqual([])
  })

  it('decision (F-228): zero matches → every $.match…/$.lastMatch… assertion fails with "no call matched" and the closest calls; other assertions still run', async () => {
    const b = {
      match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'order-service' }, { path: '$$.request.url', operator: 'contains', value: 'api.stripe.com/v1/charges' }] },
      assertions: [
        { path: '$.match.request.body.amount', operator: 'eq', value: 2498 },
        { path: '$.lastMatch.response.status', operator: 'exists' },
        { path: '$.response.status', operator: 'eq', value: 200 },
        { count: '$.matches', operator: 'eq', value: 0 },
      ],
    }
    const ctx = http(200, {}, undefined, { traffic: [call('payment-service', 'POST', 'http://api.stripe.com/v1/charges', { body: { amount: 2498 } }), ...users] })
    const r = await run(b, ctx)
    expect(r.passed).toBe(false)
    expect(r.results.map((x) => x.passed)).toEqual([false, false, true, true])
    expect(messages(r)).toMatchInlineSnapshot(`
      [
        "$.match.request.body.amount: no call matched {path: $.traffic, where: [origin eq order-service, request.url contains api.stripe.com/v1/charges]}; closest: POST http://api.stripe.com/v1/charges from payment-service → 200 (differs in origin)",
        "$.lastMatch.response.status: no call matched {path: $.traffic, where: [origin eq order-service, request.url contains api.stripe.com/v1/charges]}; closest: POST http://api.stripe.com/v1/charges from payment-service → 200 (differs in origin)",
        "$.response.status: eq 200",
        "count $.matches: eq 0",
      ]
    `)
    expect(r.results[0]!.closest).toHaveLength(3)
    expect(r.results[0]!.closest![0]).toMatchObject({ entry: { origin: 'payment-service' }, differences: [{ path: '$$.origin', operator: 'eq', expected: 'order-service', actual: 'payment-service' }] })
  })

  it('decision (seed absence checks): notExists on $.match… passes when nothing matched', async () => {
    const b = { match: { path: '$.traffic', where: [{ path: '$$.request.url', operator: 'contains', value: 'api.easypost.com' }] }, assertions: [{ path: '$.match.response.status', operator: 'notExists' }] }
    expect(await run(b, root({ traffic: users }))).toMatchObject({ passed: true, results: [{ passed: true, message: '$.match.response.status: notExists (no call matched {path: $.traffic, where: [request.url contains api.easypost.com]})' }] })
  })

  it('F-229 $.match* are pushed for the block and restored: the caller root and sibling blocks are untouched', async () => {
    const ctx = root({ traffic: users, match: { outer: true }, matches: [{ outer: true }] })
    const r = await run({ match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'user-service' }] }, assertions: [{ path: '$.match.request.url', operator: 'contains', value: 'sendgrid' }] }, ctx)
    expect(r.passed).toBe(true)
    expect(ctx.match).toEqual({ outer: true })
    expect((await run({ assertions: [{ path: '$.match.outer', operator: 'eq', value: true }] }, ctx)).passed).toBe(true)
    const looped = await run(
      {
        forEach: {
          items: ['user-service', 'nobody'],
          as: 'origin',
          match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: '{{origin}}' }] },
          assertions: [{ path: '$.match.request.method', operator: 'eq', value: 'POST' }],
        },
      },
      ctx,
    )
    expect(messages(looped)).toMatchInlineSnapshot(`
      [
        "[origin=user-service #0] $.match.request.method: eq "POST"",
        "[origin=nobody #1] $.match.request.method: no call matched {path: $.traffic, where: [origin eq nobody]}; closest: POST http://user-service/api/users from api-gateway → 201 (differs in origin)",
      ]
    `)
  })

  it('F-230 order: match → as → count → loop → assertions → extract', async () => {
    const ctx = root({ traffic: users })
    const b = {
      match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'api-gateway' }], as: 'gatewayCalls', count: 2 },
      assertions: [{ path: '$.variables.gatewayCalls[1].request.method', operator: 'eq', value: 'GET' }],
      extract: { firstUrl: '$.match.request.url', seen: '$.variables.gatewayCalls[0].response.status' },
    }
    const r = await run(b, ctx)
    expect(r.results.map((x) => [x.kind, x.passed])).toEqual([
      ['match-count', true],
      ['field', true],
      ['extract', true],
      ['extract', true],
    ])
    expect(ctx.variables).toMatchObject({ firstUrl: 'http://user-service/api/users', seen: 201 })
  })

  it('F-186 match.as stores all matched entries, usable as $.variables.name[0].response.body… in later steps', async () => {
    const ctx = root({ traffic: users })
    await run({ match: { path: '$.traffic', where: [{ path: '$$.request.method', operator: 'eq', value: 'POST' }], as: 'posts' } }, ctx)
    expect(ctx.variables.posts).toEqual([users[0], users[2]])
    const later = root({ variables: ctx.variables })
    expect((await run({ assertions: [{ path: '$.variables.posts[0].response.body.id', operator: 'eq', value: 1 }] }, later)).passed).toBe(true)
  })

  it('match.as and extract named __proto__ are stored as plain variables', async () => {
    const ctx = root({ traffic: users })
    await run({ match: { path: '$.traffic', as: '__proto__' }, extract: { constructor: '$.matches[0].origin' } }, ctx)
    expect(Object.getPrototypeOf(ctx.variables)).toBe(Object.prototype)
    expect(Object.keys(ctx.variables).sort()).toEqual(['__proto__', 'constructor'])
    expect(ctx.variables.constructor).toBe('api-gateway')
  })

  it('F-232 disabled assertions are skipped inside a block', async () => {
    const r = await run({ assertions: [{ path: '$.response.status', operator: 'eq', value: 201, disabled: true }] }, http(500, {}))
    expect(r).toMatchObject({ passed: true, results: [{ skipped: true, passed: true }] })
  })

  it('F-233 every result carries kind, passed, path, operator, expected, actual, error and blockIndex', async () => {
    const r = await run({ assertions: [{ path: '$.response.body.n', operator: 'gt', value: 1 }] }, http(200, { n: 'x' }), 2)
    expect(r.results[0]).toEqual({
      kind: 'field',
      passed: false,
      blockIndex: 2,
      source: 'path $.response.body.n',
      path: '$.response.body.n',
      operator: 'gt',
      expected: 1,
      actual: 'x',
      error: 'cannot compare non-numeric values',
      message: '$.response.body.n: expected gt 1, got "x" (cannot compare non-numeric values)',
    })
  })
})

describe('log sources (F-245..F-248)', () => {
  it('F-245 consoleLogs: {service: order-service, level: ERROR}, count: 0', async () => {
    const b = { match: { path: '$.consoleLogs', where: [{ path: '$$.service', operator: 'eq', value: 'order-service' }, { path: '$$.level', operator: 'eq', value: 'ERROR' }], count: 0 } }
    expect((await run(b, root({ consoleLogs: [log('order-service', 'INFO', 'order 1 created'), log('payment-service', 'ERROR', '[ERROR] card declined')] }))).passed).toBe(true)
    const r = await run(b, root({ consoleLogs: [log('order-service', 'ERROR', '[ERROR] db timeout after 5000 ms')] }))
    expect(messages(r)).toMatchInlineSnapshot(`
      [
        "match count failed: expected eq 0 entries matching {path: $.consoleLogs, where: [service eq order-service, level eq ERROR]}, found 1; first: order-service ERROR "[ERROR] db timeout after 5000 ms"",
      ]
    `)
  })

  it('F-245 a console-log presence check that matched nothing lists the closest lines', async () => {
    const b = { match: { path: '$.consoleLogs', where: [{ path: '$$.service', operator: 'eq', value: 'order-service' }, { path: '$$.message', operator: 'contains', value: 'order 2 created' }], count: 1 } }
    const r = await run(b, root({ consoleLogs: [log('payment-service', 'INFO', 'charge ok'), log('order-service', 'INFO', 'order 1 created')] }))
    expect(messages(r)).toMatchInlineSnapshot(`
      [
        "match count failed: expected eq 1 entry matching {path: $.consoleLogs, where: [service eq order-service, message contains order 2 created]}, found 0; closest: order-service INFO "order 1 created" (differs in message)",
      ]
    `)
    expect(r.results[0]!.closest![0]!.differences).toEqual([{ path: '$$.message', operator: 'contains', expected: 'order 2 created', actual: 'order 1 created' }])
  })

  it('F-247 messageLogs: {path: $$.topic, operator: eq, value: orders}, count: {operator: gte, value: 1}', async () => {
    const b = { match: { path: '$.messageLogs', where: [{ path: '$$.topic', operator: 'eq', value: 'orders' }], count: { operator: 'gte', value: 1 } } }
    expect((await run(b, root({ messageLogs: [{ timestamp: 1, broker: 'kafka', brokerType: 'kafka', operation: 'produce', topic: 'orders', body: { id: 1 } }] }))).passed).toBe(true)
    expect(messages(await run(b, root()))).toMatchInlineSnapshot(`
      [
        "match count failed: expected gte 1 entry matching {path: $.messageLogs, where: [topic eq orders]}, found 0; $.messageLogs is empty in this step",
      ]
    `)
  })

  it('F-248 ordering via the timeline: {path: $.match.requestTimelineIndex, operator: lt, value: {from: $.match.responseTimelineIndex}}', async () => {
    const b = { match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'user-service' }] }, assertions: [{ path: '$.match.requestTimelineIndex', operator: 'lt', value: { from: '$.match.responseTimelineIndex' } }] }
    expect((await run(b, root({ traffic: users }))).passed).toBe(true)
  })

  it('F-146 a self block may count a log source: {count: $.messageLogs, operator: gte, value: 1}', async () => {
    expect(messages(await run({ assertions: [{ count: '$.messageLogs', operator: 'gte', value: 1 }] }, root()))).toMatchInlineSnapshot(`
      [
        "count $.messageLogs: expected gte 1, got 0",
      ]
    `)
  })
})

describe('assertion-block loops (F-200..F-209) and block extract (F-185)', () => {
  it("F-208 forEach: {items: $.response.body, as: user, assertions: [{path: $.variables.user.email, operator: matches, value: '^.+@.+$'}]}", async () => {
    const b = { forEach: { items: '$.response.body', as: 'user', assertions: [{ path: '$.variables.user.email', operator: 'matches', value: '^.+@.+$' }] } }
    const ctx = http(200, [{ email: 'a@x.io' }, { email: 'bob' }, { email: 'c@x.io' }])
    const r = await run(b, ctx)
    expect(r.passed).toBe(false)
    expect(r.results.map((x) => [x.passed, x.iteration])).toEqual([
      [true, { loop: 'forEach', index: 0 }],
      [false, { loop: 'forEach', index: 1 }],
      [true, { loop: 'forEach', index: 2 }],
    ])
    expect(r.results[1]!.message).toMatchInlineSnapshot(`"[user #1] $.variables.user.email: expected matches "^.+@.+$", got "bob""`)
    expect(ctx.variables).toEqual({})
  })

  it('F-208 a block may combine match with a loop over $.matches', async () => {
    const b = { match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'api-gateway' }], count: 2 }, forEach: { items: '$.matches', as: 'm', assertions: [{ path: '$.variables.m.response.status', operator: 'lt', value: 300 }] } }
    const r = await run(b, root({ traffic: users }))
    expect(r).toMatchObject({ passed: true, matched: 2 })
    expect(r.results).toHaveLength(3)
  })

  it('F-208 forEach items errors', async () => {
    expect(messages(await run({ forEach: { items: '$.response.body.nope', as: 'x', assertions: [] } }, http(200, {})))).toMatchInlineSnapshot(`
      [
        "forEach items '$.response.body.nope' not found in document",
      ]
    `)
    expect(messages(await run({ forEach: { items: '$.response.body', as: 'x', assertions: [] } }, http(200, {})))).toMatchInlineSnapshot(`
      [
        "forEach items '$.response.body' must resolve to an array, got object",
      ]
    `)
    expect(messages(await run({ forEach: { items: '{{users}}', as: 'x', assertions: [] } }, root()))).toMatchInlineSnapshot(`
      [
        "forEach items '{{users}}': variable 'users' is not defined",
      ]
    `)
  })

  it('F-200 inline items [{name: Alice}, {name: Bob}] with {{}} inside', async () => {
    const ctx = http(200, { names: ['Alice', 'Bob'] }, undefined, { variables: { second: 'Bob' } })
    const b = { forEach: { items: [{ name: 'Alice' }, { name: '{{second}}' }], as: 'user', assertions: [{ path: '$.response.body.names', operator: 'contains', value: '{{user.name}}' }] } }
    expect((await run(b, ctx)).results.map((x) => x.passed)).toEqual([true, true])
  })

  it('F-201 for: {from: 10, to: 1, step: -1, as: i}', async () => {
    const r = await run({ for: { from: 10, to: 1, step: -1, as: 'i', assertions: [{ path: '$.variables.i', operator: 'gte', value: 1 }] } }, root())
    expect(r.results).toHaveLength(10)
    expect(r.results.map((x) => x.message.split(']')[0])).toContain('[i=10 #0')
  })

  it('F-202/F-203 repeat: {count: 10, as: attempt, delayMs: 5, until: [{path: $.response.body.status, operator: eq, value: done}]} stops early', async () => {
    const b = { repeat: { count: 10, as: 'attempt', delayMs: 5, until: [{ path: '$.response.body.status', operator: 'eq', value: 'done' }], assertions: [{ path: '$.response.status', operator: 'eq', value: 200 }] } }
    expect((await run(b, http(200, { status: 'done' }))).results).toHaveLength(1)
    expect((await run(b, http(200, { status: 'running' }))).results).toHaveLength(10)
  })

  it('F-203 {{}} in until is resolved per iteration', async () => {
    const b = { repeat: { count: 5, as: 'attempt', until: [{ path: '$.response.body.readyAt', operator: 'eq', value: '{{attempt}}' }], assertions: [{ path: '$.variables.attempt', operator: 'lt', value: 5 }] } }
    const r = await run(b, http(200, { readyAt: 2 }))
    expect(r.results.map((x) => x.iteration?.index)).toEqual([0, 1, 2])
  })

  it('F-204/F-209 name.index and name.items exist during the loop; as and name are removed afterwards (a shadowed variable comes back)', async () => {
    const ctx = http(200, { posts: [{ title: 'A' }, { title: 'B' }] }, undefined, { variables: { post: 'kept' } })
    const b = {
      forEach: {
        items: '$.response.body.posts',
        as: 'post',
        name: 'postLoop',
        assertions: [{ count: '$.variables.postLoop.items', operator: 'eq', value: 2 }, { path: '$.response.body.posts', operator: 'contains', value: '{{post}}' }, { path: '$.variables.postLoop.index', operator: 'lt', value: 2 }],
      },
    }
    const r = await run(b, ctx)
    expect(r.results.every((x) => x.passed)).toBe(true)
    expect(ctx.variables).toEqual({ post: 'kept' })
  })

  it("F-185 block extract {'postTitle_{{postLoop.index}}': …} names variables per iteration", async () => {
    const ctx = http(200, { posts: [{ title: 'A' }, { title: 'B' }] })
    const b = { forEach: { items: '$.response.body.posts', as: 'post', name: 'postLoop', extract: { 'postTitle_{{postLoop.index}}': '$.variables.post.title' } } }
    const r = await run(b, ctx)
    expect(messages(r)).toMatchInlineSnapshot(`
      [
        "[post #0] extracted postTitle_0 = "A"",
        "[post #1] extracted postTitle_1 = "B"",
      ]
    `)
    expect(ctx.variables).toEqual({ postTitle_0: 'A', postTitle_1: 'B' })
  })

  it('F-185 block extract sees $.match and runs after the assertions', async () => {
    const ctx = root({ traffic: users })
    const r = await run({ match: { path: '$.traffic', where: [{ path: '$$.origin', operator: 'eq', value: 'user-service' }] }, extract: { mailTo: '$.match.request.body.to' } }, ctx)
    expect(r.results[0]).toMatchObject({ kind: 'extract', passed: true, blockIndex: 0 })
    expect(ctx.variables.mailTo).toBe('a@x.io')
  })
})
