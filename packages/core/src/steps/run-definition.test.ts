// The engine end to end on the memory runtime: the real interceptor in-process, small services
// as in-process handlers on their own loopback addresses, definitions written as YAML.
import type http from 'node:http'
import { loadDefinitions, type Definition } from '@dokkimi/resolver'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { createEnvironment } from '../environment/create-environment.js'
import { memoryRuntime, type MemoryServiceContext } from '../testing/memory-runtime.js'
import { runDefinition } from './run-definition.js'
import { runSteps } from './run-steps.js'
import type { DefinitionResult, StepResult } from './results.js'

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let text = ''
    req.on('data', (c: Buffer) => (text += c.toString()))
    req.on('end', () => resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {}))
  })
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

// A tiny checkout: orders call payments, payments call Stripe (a MOCK); after answering, orders
// notify asynchronously (a tail the next assertions must wait for).
const orders = new Map<string, Record<string, unknown>>()
const services = {
  'orders:test': (ctx: MemoryServiceContext): http.RequestListener => async (req, res) => {
    if (req.url === '/health') return send(res, 200, { ok: true })
    if (req.method === 'POST' && req.url === '/api/orders') {
      const body = await readJson(req)
      const total = Number(body.quantity) * Number(body.price) + (ctx.env.WRONG_TOTAL ? 1 : 0)
      const pay = await ctx.fetch('http://payment-service:4000/api/payments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: total }) })
      if (pay.status !== 200) {
        ctx.log(`[ERROR] payment failed with ${pay.status}`)
        return send(res, 402, { status: 'payment_failed' })
      }
      const id = `ord_${orders.size + 1}`
      orders.set(id, { id, total, status: 'paid' })
      ctx.log(`[INFO] order ${id} created`)
      send(res, 201, { id, total, status: 'paid' })
      // Async tail: the notification leaves after the response.
      setTimeout(() => ctx.fetch('http://notification-service:5000/notify', { method: 'POST', body: JSON.stringify({ orderId: id }), headers: { 'content-type': 'application/json' } }).catch(() => {}), Number(ctx.env.NOTIFY_DELAY_MS ?? 150))
      return
    }
    const m = /^\/api\/orders\/(\w+)$/.exec(req.url ?? '')
    if (m) return orders.has(m[1]!) ? send(res, 200, orders.get(m[1]!)) : send(res, 404, { error: 'not found' })
    send(res, 404, { error: 'no route' })
  },
  'payments:test': (ctx: MemoryServiceContext): http.RequestListener => async (req, res) => {
    if (req.url === '/health') return send(res, 200, { ok: true })
    const body = await readJson(req)
    const charge = await ctx.fetch('https://api.stripe.com/v1/charges', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `amount=${body.amount}&currency=usd` })
    send(res, charge.status === 200 ? 200 : 402, { charged: charge.status === 200 })
  },
  'notify:test': (ctx: MemoryServiceContext): http.RequestListener => async (req, res) => {
    await readJson(req)
    // A slow downstream: the call stays in flight at the interceptor meanwhile.
    setTimeout(() => {
      ctx.log('[INFO] notification sent')
      send(res, 202, { queued: true })
    }, Number(ctx.env.LATENCY_MS ?? 0))
  },
}

const ITEMS = `
items:
  - { type: SERVICE, name: order-service, image: 'orders:test', port: 3000, healthCheck: /health, env: [{ name: NOTIFY_DELAY_MS, value: '{{NOTIFY_DELAY_MS}}' }] }
  - { type: SERVICE, name: payment-service, image: 'payments:test', port: 4000, healthCheck: /health }
  - { type: SERVICE, name: notification-service, image: 'notify:test', port: 5000, healthCheck: tcp, stage: 1, env: [{ name: LATENCY_MS, value: '{{LATENCY_MS}}' }] }
  - { type: MOCK, name: stripe-charge, mockTarget: api.stripe.com, mockPath: /v1/charges, mockMethod: POST, mockResponseStatus: 200, mockResponseBody: { id: ch_1, status: succeeded } }
`

function definition(yaml: string, vars = 'variables: { NOTIFY_DELAY_MS: "100", LATENCY_MS: "0" }'): Definition {
  const dir = testdir({ '.dokkimi/checkout.yaml': `name: checkout\n${vars}\n${ITEMS}\n${yaml}` })
  const result = loadDefinitions(`${dir}/.dokkimi`)
  expect(result.errors).toEqual([])
  return result.definitions[0]!
}

const runtime = memoryRuntime({ services })
const failures = (r: DefinitionResult) =>
  r.tests.flatMap((t) => t.steps.flatMap((s) => [...(s.error ? [`${s.name}: ${s.error.message}`] : []), ...s.blocks.flatMap((b) => b.results.filter((x) => !x.passed).map((x) => `${s.name}: ${x.message}`)), ...s.extracts.filter((x) => !x.passed).map((x) => x.message)]))

describe('runDefinition on the memory runtime', () => {
  it('runs a checkout: self assertions, traffic between services with origins, HTTPS mock, extract and chaining (F-131, F-180, F-222, F-244)', async () => {
    const def = definition(`
tests:
  - name: Place an order
    steps:
      - name: Create order
        action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 2, price: 1249 } }
        extract: { orderId: $.response.body.id }
        assertions:
          - assertions:
              - { path: $.response.status, operator: eq, value: 201 }
              - { path: $.response.body.total, operator: eq, value: 2498 }
              - { path: $.response.headers.content-type, operator: contains, value: application/json }
          - match:
              path: $.traffic
              where:
                - { path: $$.origin, operator: eq, value: order-service }
                - { path: $$.request.url, operator: contains, value: payment-service/api/payments }
              count: 1
            assertions:
              - { path: $.match.request.body.amount, operator: eq, value: 2498 }
              - { path: $.match.response.status, operator: eq, value: 200 }
          - match:
              path: $.traffic
              where:
                - { path: $$.origin, operator: eq, value: payment-service }
                - { path: $$.request.url, operator: eq, value: 'http://api.stripe.com/v1/charges' }
            assertions:
              - { path: $.match.request.body.amount, operator: eq, value: '2498' }
              - { path: $.match.mocked, operator: eq, value: true }
          - match:
              path: $.consoleLogs
              where: [{ path: $$.service, operator: eq, value: order-service }, { path: $$.message, operator: contains, value: created }]
              count: 1
      - name: 'Read order {{orderId}}'
        action: { type: httpRequest, method: GET, url: 'order-service/api/orders/{{orderId}}' }
        assertions:
          - assertions:
              - { path: $.response.body.status, operator: eq, value: paid }
              - { path: $.response.body.id, operator: eq, value: '{{orderId}}' }
`)
    const events: string[] = []
    const result = await runDefinition(def, { runtime, onEvent: (e) => events.push(e.type) })
    expect(failures(result)).toEqual([])
    expect(result.status).toBe('passed')
    const [create, read] = result.tests[0]!.steps as [StepResult, StepResult]
    expect(read.name).toMatch(/^Read order ord_\d+$/)
    // The step's own traffic: the runner's call (origin test), order → payment, payment → Stripe.
    expect(create.traffic.map((t) => `${t.origin} → ${t.to} ${t.request.method} ${t.response?.status}`)).toEqual(
      expect.arrayContaining(['test → order-service POST 201', 'order-service → payment-service POST 200', 'payment-service → api.stripe.com POST 200']),
    )
    expect(events).toEqual(expect.arrayContaining(['boot', 'ready', 'test-start', 'step-start', 'step-end', 'test-end']))
  })

  it('an absence check does not pass while a call is still in flight: it settles and fails (ARCHITECTURE §5)', async () => {
    const def = definition(`
tests:
  - name: No notification
    steps:
      - name: Create order
        action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 1, price: 5 } }
        assertions:
          - match:
              path: $.traffic
              where: [{ path: $$.to, operator: eq, value: notification-service }]
              count: 0
`, 'variables: { NOTIFY_DELAY_MS: "0", LATENCY_MS: "800" }')
    const result = await runDefinition(def, { runtime })
    expect(result.status).toBe('failed')
    const block = result.tests[0]!.steps[0]!.blocks[0]!
    expect(block.settled).toBe(true)
    expect(block.matched).toBe(1)
  })

  it('a presence check that fails at first passes once the async tail arrives', async () => {
    const def = definition(`
tests:
  - name: Notification
    steps:
      - name: Create order
        action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 1, price: 5 } }
        assertions:
          - match:
              path: $.traffic
              where: [{ path: $$.origin, operator: eq, value: order-service }, { path: $$.to, operator: eq, value: notification-service }]
            assertions:
              - { path: $.match.response.status, operator: eq, value: 202 }
`, 'variables: { NOTIFY_DELAY_MS: "100", LATENCY_MS: "400" }')
    const result = await runDefinition(def, { runtime })
    expect(failures(result)).toEqual([])
    expect(result.tests[0]!.steps[0]!.blocks[0]!.settled).toBe(true)
  })

  it('a failing step ends the run: later steps and tests are skipped, the message has expected vs actual and closest calls (F-124)', async () => {
    const def = definition(`
tests:
  - name: First
    steps:
      - name: Create order
        action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 2, price: 10 } }
        assertions:
          - assertions: [{ path: $.response.body.total, operator: eq, value: 21 }]
          - match:
              path: $.traffic
              where: [{ path: $$.origin, operator: eq, value: order-service }, { path: $$.request.url, operator: contains, value: /api/refunds }]
            assertions: [{ path: $.match.response.status, operator: eq, value: 200 }]
      - name: Never runs
        action: { type: httpRequest, method: GET, url: order-service/api/orders/x }
  - name: Second
    steps:
      - action: { type: wait, durationMs: 1 }
`)
    const result = await runDefinition(def, { runtime })
    expect(result.status).toBe('failed')
    const [first, second] = result.tests
    expect(first!.status).toBe('failed')
    expect(first!.steps[1]!.status).toBe('skipped')
    expect(second!.status).toBe('skipped')
    expect(second!.steps[0]!.error?.message).toContain('previous step failed')
    const [self, match] = first!.steps[0]!.blocks
    expect(self!.results[0]!.message).toContain('21')
    expect(self!.results[0]!.actual).toBe(20)
    const failed = match!.results.find((r) => !r.passed)!
    expect(failed.closest?.length).toBeGreaterThan(0)
    expect(JSON.stringify(failed.closest![0]!.entry)).toContain('payment-service')
  })

  it('stopOnFailure: false reports the failed assertion and goes on (F-126); variables reset per test (F-123)', async () => {
    const def = definition(`
tests:
  - name: Soft
    variables: { who: first }
    steps:
      - name: Soft failure
        stopOnFailure: false
        action: { type: httpRequest, method: GET, url: order-service/api/orders/missing }
        extract: { leaked: $.response.status }
        assertions: [{ assertions: [{ path: $.response.status, operator: eq, value: 200 }] }]
      - name: Still runs
        action: { type: httpRequest, method: GET, url: 'order-service/api/orders/{{who}}' }
        assertions: [{ assertions: [{ path: $.response.status, operator: eq, value: 404 }] }]
  - name: Fresh variables
    steps:
      - name: 'Uses {{leaked}}'
        action: { type: wait, durationMs: 1 }
`)
    const result = await runDefinition(def, { runtime })
    const [soft, fresh] = result.tests
    expect(soft!.steps[0]).toMatchObject({ status: 'passed', warned: true })
    expect(soft!.steps[1]!.status).toBe('passed')
    expect(fresh!.steps[0]!.status).toBe('failed')
    expect(fresh!.steps[0]!.error?.message).toBe("variable 'leaked' is not defined")
  })

  it("loops at step, action and test level (F-200..F-207) and a wait step that sees the previous step's tail (F-129)", async () => {
    const def = definition(`
tests:
  - name: Loops
    variables: { quantities: [1, 2, 3] }
    steps:
      - name: Orders
        forEach:
          items: '{{quantities}}'
          as: q
          name: orderLoop
          action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: '{{q}}', price: 10 } }
          assertions: [{ assertions: [{ path: $.response.body.total, operator: eq, value: '{{q}}0' }] }]
      - name: Tail
        action: { type: wait, durationMs: 20 }
        assertions:
          - match: { path: $.traffic, where: [{ path: $$.to, operator: eq, value: notification-service }], count: { operator: gte, value: 1 } }
      - name: Three reads
        action:
          type: httpRequest
          method: GET
          url: 'order-service/api/orders/x{{i}}'
          for: { from: 1, to: 3, as: i }
        assertions:
          - match: { path: $.traffic, where: [{ path: $$.origin, operator: eq, value: test }], count: 3 }
      - name: Poll until found
        action: { type: httpRequest, method: GET, url: order-service/api/orders/ord_1 }
        repeat: { count: 5, as: attempt, name: poll, until: [{ path: $.response.status, operator: eq, value: 200 }] }
  - name: Per customer
    forEach:
      items: [{ name: ada }, { name: bob }]
      as: customer
      steps:
        - name: 'Order for {{customer.name}}'
          action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 1, price: 1 } }
`)
    const result = await runDefinition(def, { runtime })
    expect(failures(result)).toEqual([])
    const [orders, , reads] = result.tests[0]!.steps as [StepResult, StepResult, StepResult]
    expect(orders.iterations?.map((i) => i.name)).toEqual(['Orders [q=1]', 'Orders [q=2]', 'Orders [q=3]'])
    expect(reads.traffic.filter((t) => t.origin === 'test')).toHaveLength(3)
    expect(result.tests[1]!.steps.map((s) => s.name)).toEqual(['Order for ada', 'Order for bob'])
  })

  it('an unmocked external call is recorded and answered 502 naming the host (externalTraffic: block)', async () => {
    const def = definition(`
tests:
  - name: Unmocked
    steps:
      - name: Call an unknown host
        action: { type: httpRequest, method: GET, url: 'https://api.unknown-vendor.com/v1/ping' }
        assertions:
          - assertions:
              - { path: $.response.status, operator: eq, value: 502 }
          - match: { path: $.traffic, where: [{ path: $$.outcome, operator: eq, value: unmocked }], count: { operator: gte, value: 1 } }
`)
    const result = await runDefinition(def, { runtime })
    expect(failures(result)).toEqual([])
    expect(JSON.stringify(result.tests[0]!.steps[0]!.response)).toContain('api.unknown-vendor.com')
  })

  it('createEnvironment + runSteps compose by hand, and disposal stops the interceptor', async () => {
    const def = definition('')
    let controlUrl = ''
    {
      await using env = await createEnvironment(def, { runtime })
      controlUrl = env.runtimeEnvironment.controlUrl
      const r = await runSteps(env, [{ name: 'ping', action: { type: 'httpRequest', method: 'GET', url: 'payment-service/health' } }] as never, {})
      expect(r.steps[0]!.status).toBe('passed')
      expect(await env.settle()).toBe(true)
    }
    await expect(fetch(`${controlUrl}/health`)).rejects.toThrow()
  })
})
