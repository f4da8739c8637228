// The environment handle end to end on the memory runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isDokkimiError } from '../errors.js'
import { memoryRuntime } from '../testing/memory-runtime.js'
import { shop, shopServices } from './_shop.js'
import type { FlowEnvironment } from './flow-environment.js'
import { resolveEnvironmentSpec } from './resolve-environment-spec.js'
import { startEnvironment } from './start-environment.js'

const runtime = memoryRuntime({ services: shopServices })
let env: FlowEnvironment

beforeAll(async () => {
  env = await startEnvironment(shop(100), { runtime })
})
afterAll(() => env?.stop())

describe('startEnvironment', () => {
  it('resolves the spec and exposes the definition, run id and the engine environment', () => {
    expect(env.definition.name).toBe('shop')
    expect(env.definition.items.map((i) => i.name)).toEqual(['order-service', 'payment-service', 'mock-api-stripe-com-post-v1-charges', 'mock-api-sendgrid-com-post-v3-mail-send'])
    expect(env.runId).toBe(env.started.runId)
    expect(env.runId).toMatch(/^[a-z0-9-]+$/)
  })

  it('starts a resolved Definition too, and stop() is idempotent; a stopped handle says so', async () => {
    const other = await startEnvironment(resolveEnvironmentSpec(shop()), { runtime })
    const stopped = await other.stop()
    expect(await other.stop()).toBe(stopped)
    const error = await other.http.get('order-service/health').catch((e: unknown) => e)
    expect(isDokkimiError(error) && error.code).toBe('ENVIRONMENT_STOPPED')
    expect((error as Error).message).toBe(`[dokkimi] the environment of shop (${other.runId}) was stopped. Start a new one with startEnvironment().`)
  })

  it('rejects an invalid spec before starting anything', async () => {
    const bad = { ...shop(), items: [{ type: 'SERVICE', name: 'x', image: 'x', port: 'nope', healthCheck: '/health' }] }
    await expect(startEnvironment(bad as never, { runtime })).rejects.toMatchObject({ name: 'ResolveError', code: 'RESOLVER_INVALID_DEFINITION' })
  })
})

describe('env.http', () => {
  it('posts JSON to service/path and returns status, headers, parsed body, text, duration and URL', async () => {
    await env.step('http: post')
    const res = await env.http.post('order-service/api/orders', { json: { quantity: 2, price: 1249, notify: false } })
    expect(res).toMatchObject({ status: 201, headers: { 'content-type': 'application/json' }, body: { total: 2498 }, url: 'http://order-service:3000/api/orders' })
    expect(JSON.parse(res.text)).toEqual(res.body)
    expect(res.durationMs).toBeGreaterThanOrEqual(0)
    // The call itself is in the ledger when the call returns.
    expect(env.traffic.all({ step: 'current' }).filter((c) => c.origin === 'test').map((c) => `${c.request.method} ${c.request.url} ${c.response?.status}`)).toEqual(['POST http://order-service/api/orders 201'])
  })

  it('takes service:port/path, query parameters and headers; a text answer stays text', async () => {
    const res = await env.http.request('get', 'order-service:3000/hello', { query: { name: ['ann', 'bo'] }, headers: { 'x-trace': '1' } })
    expect(res).toMatchObject({ status: 200, body: 'hello ann and bo', text: 'hello ann and bo', url: 'http://order-service:3000/hello?name=ann&name=bo' })
    expect((await env.http.get('order-service/missing')).status).toBe(404)
    const head = await env.http.head('order-service/health')
    expect(head.status).toBe(200)
  })

  it('fails with STEP_HTTP_FAILED naming the call when it cannot complete', async () => {
    const error = await env.http.get('order-service/health', { signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect(isDokkimiError(error) && error.code).toBe('STEP_HTTP_FAILED')
    expect((error as Error).message).toMatch(/^\[dokkimi\] GET http:\/\/order-service:3000\/health failed: /)
  })
})

describe('env.traffic, env.consoleLogs and env.step()', () => {
  it('calls() settles first, so the async tail of a request is there; query fields filter', async () => {
    await env.step('traffic: order')
    await env.http.post('order-service/api/orders', { json: { quantity: 1, price: 500, email: 'b@example.com' } })
    // The SendGrid call is still in flight (the mock answers after 100 ms).
    expect(env.traffic.all({ step: 'current' }).some((c) => c.to === 'api.sendgrid.com')).toBe(false)
    const mail = await env.traffic.calls({ url: 'api.sendgrid.com/v3/*' })
    expect(mail.map((c) => ({ origin: c.origin, method: c.request.method, status: c.response?.status, mocked: c.mocked }))).toEqual([{ origin: 'order-service', method: 'POST', status: 202, mocked: true }])
    expect(await env.traffic.calls({ origin: 'payment-service', body: { amount: 500, capture: true } })).toHaveLength(1)
    expect(await env.traffic.calls({ origin: 'payment-service', body: { amount: 501 } })).toHaveLength(0)
    expect(await env.traffic.calls({ url: /stripe\.com\/v1\/charges$/, status: 200, method: 'post' })).toHaveLength(1)
    expect(await env.traffic.calls({ where: { 'request.body.to': 'b@example.com', '$$.response.status': { gte: 200, lt: 300 } } })).toHaveLength(1)
    expect(await env.traffic.calls({ where: { 'request.url': { operator: 'contains', value: 'payments' } } })).toHaveLength(1)
    expect((await env.traffic.calls()).map((c) => `${c.origin} → ${c.to}`)).toEqual(['test → order-service', 'order-service → payment-service', 'payment-service → api.stripe.com', 'order-service → api.sendgrid.com'])
  })

  it('url patterns: host + path, optional scheme, * segments, trailing *, query only when given', async () => {
    await env.step('traffic: patterns')
    await env.http.post('order-service/api/orders', { json: { quantity: 1, price: 1, notify: false } })
    const count = async (url: string) => (await env.traffic.calls({ url })).length
    expect(await count('api.stripe.com/v1/charges')).toBe(1)
    expect(await count('https://api.stripe.com/v1/charges')).toBe(1)
    expect(await count('api.stripe.com/*/charges')).toBe(1)
    expect(await count('api.stripe.com/*')).toBe(1)
    expect(await count('*.stripe.com/v1/charges')).toBe(1)
    expect(await count('api.stripe.com')).toBe(1)
    expect(await count('api.stripe.com/v1')).toBe(0)
    expect(await count('api.stripe.com/*/refunds')).toBe(0)
    expect(await count('payment-service/api/payments')).toBe(1)
    expect(await count('payment-service:4000/api/payments')).toBe(1)
    expect(await count('order-service/api/orders?x=1')).toBe(0)
    expect(await count('order-service/api/*')).toBe(1)
    expect(await count('order-service/api')).toBe(0)
    await env.http.get('order-service/hello?name=ann&lang=en')
    expect(await count('order-service/hello')).toBe(1)
    expect(await count('order-service/hello?name=ann')).toBe(1)
    expect(await count('order-service/hello?lang=*&name=ann')).toBe(1)
    expect(await count('order-service/hello?name=bob')).toBe(0)
  })

  it('rejects a query with a misspelt field or operator, saying what it takes', async () => {
    await expect(env.traffic.calls({ urll: 'x' } as never)).rejects.toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] unknown call query field "urll". A call query takes origin, method, url, status, where and body.]`)
    await expect(env.traffic.calls({ where: { status: { operator: 'equals', value: 1 } } })).rejects.toThrow('unknown operator "equals" in where["status"]')
  })

  it('step() attributes traffic and console lines to its window; all() and { step: "all" } see everything', async () => {
    await env.step('first')
    const first = env.currentStep
    await env.http.post('order-service/api/orders', { json: { quantity: 1, price: 7, notify: false } })
    const firstLogs = await env.consoleLogs('order-service')
    await env.step('second')
    expect(env.currentStep).toEqual({ id: first.id + 1, name: 'second' })
    await env.http.post('order-service/api/orders', { json: { quantity: 1, price: 8, notify: false } })
    const second = await env.traffic.calls({ origin: 'payment-service' })
    expect(second.map((c) => [c.step, (c.request.body as { amount: number }).amount])).toEqual([[first.id + 1, 8]])
    const both = await env.traffic.calls({ origin: 'payment-service' }, { step: 'all' })
    expect(both.filter((c) => c.step >= first.id).map((c) => (c.request.body as { amount: number }).amount)).toEqual([7, 8])
    expect(env.traffic.all().length).toBeGreaterThan(env.traffic.all({ step: 'current' }).length)
    expect(firstLogs.map((l) => [l.step, l.level, l.message.replace(/ord_\d+/, 'ord_N')])).toEqual([[first.id, 'INFO', '[INFO] order ord_N paid']])
    expect((await env.consoleLogs()).map((l) => `${l.service}: ${l.message.replace(/ord_\d+/, 'ord_N')}`)).toEqual(['payment-service: charged 8', 'order-service: [INFO] order ord_N paid'])
    expect((await env.consoleLogs('payment-service', { step: 'all' })).filter((l) => l.step >= first.id).map((l) => l.message)).toEqual(['charged 7', 'charged 8'])
  })

  it('a call right after an unawaited step() still belongs to the new window', async () => {
    void env.step('unawaited')
    await env.http.get('order-service/health')
    expect(env.traffic.all({ step: 'current' }).map((c) => [c.step, c.request.url])).toEqual([[env.currentStep.id, 'http://order-service/health']])
  })

  it('settle() waits until traffic is quiet', async () => {
    await env.step('settle')
    await env.http.post('order-service/api/orders', { json: { quantity: 1, price: 1 } })
    expect(await env.settle()).toBe(true)
    expect(env.traffic.all({ step: 'current' }).some((c) => c.to === 'api.sendgrid.com')).toBe(true)
  })
})
