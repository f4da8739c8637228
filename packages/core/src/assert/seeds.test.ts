import { fileURLToPath } from 'node:url'
import { loadDefinitions, type Definition } from '@dokkimi/resolver'
import { describe, expect, it } from 'vitest'
import { interpolateString } from '../variables/interpolate.js'
import { assert } from './assert.js'
import { runExtract } from './extract.js'
import { call, db, http } from './_fixtures.js'
import type { RootContext } from './types.js'

// The seed documents' own definitions, normalised by the resolver (S-01..S-14), evaluated against
// hand-built step documents for a correct run and for a broken one.
const seeds = fileURLToPath(new URL('../../../resolver/test/fixtures/seeds/.dokkimi', import.meta.url))
const loaded = loadDefinitions(seeds)
const definition = (name: string): Definition => loaded.definitions.find((d) => d.name === name)!

type StepDoc = (vars: Record<string, unknown>) => RootContext

/** Runs each step's extract and blocks on its document; returns the failure messages as `step N: …`. */
async function evaluate(name: string, docs: StepDoc[]): Promise<{ failures: string[]; vars: Record<string, unknown>; queries: string[] }> {
  const def = definition(name)
  const vars: Record<string, unknown> = { ...def.variables }
  const failures: string[] = []
  const queries: string[] = []
  const steps = def.tests[0]!.steps!
  expect(steps).toHaveLength(docs.length)
  for (const [i, step] of steps.entries()) {
    if (step.action?.type === 'dbQuery') queries.push(interpolateString(step.action.query, vars, { onMissing: 'throw' }))
    const doc = { ...docs[i]!(vars), variables: vars }
    if (step.extract) for (const r of runExtract(step.extract, doc, vars)) if (!r.passed) failures.push(`step ${i}: ${r.message}`)
    for (const [blockIndex, b] of (step.assertions ?? []).entries()) {
      const result = await assert(b, { root: doc, blockIndex })
      for (const r of result.results) if (!r.passed) failures.push(`step ${i}: ${r.message}`)
    }
  }
  return { failures, vars, queries }
}

const order = (totalCents: number): StepDoc => () => http(201, { order: { id: 42, status: 'pending', totalCents } })
const rows = (...data: Record<string, unknown>[]): StepDoc => () => db(data)
const pay = (status: number, body: unknown, traffic: ReturnType<typeof call>[]): StepDoc => () => http(status, body, undefined, { traffic: [call('', 'POST', 'http://api-gateway/v1/orders/42/pay'), ...traffic] })
const noop: StepDoc = () => db([])

const stripe = (amount: number, status = 200, responseBody: unknown = { id: 'ch_1', status: 'succeeded' }) =>
  call('payment-service', 'POST', 'http://api.stripe.com/v1/charges', { body: { amount, currency: 'usd', source: 'pm_test_visa' }, status, responseBody })
const easypost = () => call('shipping-service', 'POST', 'http://api.easypost.com/v2/shipments', { status: 201, responseBody: { id: 'shp_1', tracking_code: '9400111899223456789012' } })
const sendgrid = () => call('notification-service', 'POST', 'http://api.sendgrid.com/v3/mail/send', { body: { personalizations: [{ to: [{ email: 'buyer@example.com' }] }] }, status: 202 })
// The Twilio call is form-encoded; the decision for this project parses such bodies into objects (S-14).
const twilio = () => call('notification-service', 'POST', 'http://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json', { body: { To: '+15551234567', Body: 'Shipped! Tracking 9400111899223456789012' }, status: 201, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
const webhook = (orderStatus: string) => call('payment-service', 'PATCH', 'http://order-service/v1/orders/100', { body: { status: orderStatus } })

describe('seed definitions (S-04..S-14) through the assertion engine', () => {
  it('load without errors', () => {
    expect(loaded.errors).toEqual([])
  })

  it('checkout-happy-path: a correct run passes; extract feeds {{orderId}} into the DB queries', async () => {
    const run = await evaluate('checkout-happy-path', [order(2498), pay(200, { status: 'paid' }, [stripe(2498), easypost(), sendgrid(), twilio()]), rows({ status: 'paid', total_cents: 2498 }), rows({ stock: 49 })])
    expect(run.failures).toEqual([])
    expect(run.vars).toEqual({ orderId: 42 })
    expect(run.queries).toEqual(['SELECT status, total_cents FROM orders WHERE id = 42', "SELECT stock FROM products WHERE sku = 'WIDGET-001'"])
  })

  it('checkout-happy-path: a wrong total fails with precise messages', async () => {
    const run = await evaluate('checkout-happy-path', [order(2400), pay(200, {}, [stripe(2400), easypost(), sendgrid(), twilio()]), rows({ status: 'paid', total_cents: 2400 }), rows({ stock: 49 })])
    expect(run.failures).toMatchInlineSnapshot(`
      [
        "step 0: $.response.body.order.totalCents: expected eq 2498, got 2400",
        "step 1: $.match.request.body.amount: expected eq 2498, got 2400",
        "step 2: $.response.data[0].total_cents: expected eq 2498, got 2400",
      ]
    `)
  })

  it('checkout-happy-path: a missing SMS fails with "no call matched" context and the closest call', async () => {
    const run = await evaluate('checkout-happy-path', [order(2498), pay(200, {}, [stripe(2498), easypost(), sendgrid()]), rows({ status: 'paid', total_cents: 2498 }), rows({ stock: 49 })])
    expect(run.failures).toMatchInlineSnapshot(`
      [
        "step 1: match count failed: expected gte 1 call matching {path: $.traffic, where: [origin eq notification-service, request.method eqIgnoreCase POST, request.url contains api.twilio.com]}, found 0; closest: POST http://api.sendgrid.com/v3/mail/send from notification-service → 202 (differs in request.url)",
      ]
    `)
  })

  it('checkout-card-declined: absence blocks (S-11 count: 0) pass when no shipping/email call happened, fail when one did', async () => {
    const declined = (traffic: ReturnType<typeof call>[]) => [order(1998), pay(402, { error: 'Your card was declined' }, [stripe(999, 402, { error: { code: 'card_declined' } }), ...traffic]), rows({ status: 'payment_failed' }), rows({ stock: 50 })]
    expect((await evaluate('checkout-card-declined', declined([]))).failures).toEqual([])
    const broken = await evaluate('checkout-card-declined', declined([easypost()]))
    expect(broken.failures).toMatchInlineSnapshot(`
      [
        "step 1: match count failed: expected eq 0 calls matching {path: $.traffic, where: [origin eq shipping-service, request.url contains api.easypost.com]}, found 1; first: POST http://api.easypost.com/v2/shipments from shipping-service → 201",
      ]
    `)
  })

  it('checkout-charge-amount: the internal order-service → payment-service call carries the total', async () => {
    const charge = (amount: number) => call('order-service', 'POST', 'http://payment-service/v1/charges', { body: { amount, orderId: 42 } })
    expect((await evaluate('checkout-charge-amount', [order(1998), pay(200, {}, [charge(1998)])])).failures).toEqual([])
    expect((await evaluate('checkout-charge-amount', [order(1998), pay(200, {}, [charge(2000)])])).failures).toMatchInlineSnapshot(`
      [
        "step 1: $.match.request.body.amount: expected eq 1998, got 2000",
      ]
    `)
  })

  it('checkout-rate-limited: $.match.response.* on a 429 from the Stripe mock', async () => {
    const limited = stripe(2498, 429, { error: { type: 'rate_limit_error', message: 'Too many requests' } })
    expect((await evaluate('checkout-rate-limited', [order(999), pay(429, { error: 'rate limited' }, [limited]), rows({ status: 'pending' }), rows({ stock: 50 })])).failures).toEqual([])
    const wrong = await evaluate('checkout-rate-limited', [order(999), pay(502, {}, [stripe(2498, 500, { error: { type: 'api_error' } }), easypost()]), rows({ status: 'pending' }), rows({ stock: 50 })])
    expect(wrong.failures).toMatchInlineSnapshot(`
      [
        "step 1: $.response.status: expected eq 429, got 502",
        "step 1: $.match.response.status: expected eq 429, got 500",
        "step 1: $.match.response.body.error.type: expected eq "rate_limit_error", got "api_error"",
        "step 1: match count failed: expected eq 0 calls matching {path: $.traffic, where: [origin eq shipping-service, request.url contains api.easypost.com]}, found 1; first: POST http://api.easypost.com/v2/shipments from shipping-service → 201",
      ]
    `)
  })

  it('out-of-stock-rejection: 409 and an error string containing "insufficient stock"', async () => {
    const reject = () => http(409, { error: 'insufficient stock for GADGET-001' })
    expect((await evaluate('out-of-stock-rejection', [reject, rows({ stock: 5 })])).failures).toEqual([])
    expect((await evaluate('out-of-stock-rejection', [() => http(201, { order: { id: 1 } }), rows({ stock: 0 })])).failures).toMatchInlineSnapshot(`
      [
        "step 0: $.response.status: expected eq 409, got 201",
        "step 0: Path '$.response.body.error' not found in document",
        "step 1: $.response.data[0].stock: expected eq 5, got 0",
      ]
    `)
  })

  it('stripe webhooks: PATCH to order-service with the new status; downstream calls present or absent', async () => {
    const ok = () => http(200, { received: true })
    const succeeded = (traffic: ReturnType<typeof call>[]) => [noop, noop, () => ({ ...ok(), traffic }), rows({ status: 'paid' })]
    expect((await evaluate('stripe-webhook-charge-succeeded', succeeded([webhook('paid'), easypost(), sendgrid()]))).failures).toEqual([])
    expect((await evaluate('stripe-webhook-charge-succeeded', succeeded([webhook('paid'), sendgrid()]))).failures).toMatchInlineSnapshot(`
      [
        "step 2: match count failed: expected gte 1 call matching {path: $.traffic, where: [origin eq shipping-service, request.method eqIgnoreCase POST, request.url contains api.easypost.com/v2/shipments]}, found 0; closest: POST http://api.sendgrid.com/v3/mail/send from notification-service → 202 (differs in origin, request.url)",
      ]
    `)
    const failed = (traffic: ReturnType<typeof call>[]) => [noop, noop, () => ({ ...ok(), traffic }), rows({ status: 'payment_failed' })]
    expect((await evaluate('stripe-webhook-charge-failed', failed([webhook('payment_failed')]))).failures).toEqual([])
    expect((await evaluate('stripe-webhook-charge-failed', failed([webhook('paid'), sendgrid()]))).failures).toMatchInlineSnapshot(`
      [
        "step 2: $.match.request.body.status: expected eq "payment_failed", got "paid"",
        "step 2: match count failed: expected eq 0 calls matching {path: $.traffic, where: [origin eq notification-service, request.url contains api.sendgrid.com]}, found 1; first: POST http://api.sendgrid.com/v3/mail/send from notification-service → 202",
      ]
    `)
  })

  it('user-registration, my-test-suite, staged-bootup', async () => {
    const created = () => http(201, { id: 7 }, undefined, { traffic: [call('api-gateway', 'POST', 'http://user-service/v1/users', { body: { email: 'new.user@example.com', name: 'New User' }, status: 201 })] })
    expect((await evaluate('user-registration', [created])).failures).toEqual([])
    expect((await evaluate('user-registration', [() => http(201, {}, undefined, { traffic: [call('api-gateway', 'POST', 'http://user-service/v1/users', { body: { email: 'other@example.com' } })] })])).failures).toMatchInlineSnapshot(`
      [
        "step 0: $.match.request.body.email: expected eq "new.user@example.com", got "other@example.com"",
      ]
    `)
    const suite = await evaluate('my-test-suite', [rows({ greeting: 'hello' }), () => http(200, { ok: true })])
    expect(suite).toMatchObject({ failures: [], queries: ["SELECT 'hello' AS greeting"] })
    expect((await evaluate('staged-bootup', [() => http(503, {})])).failures).toMatchInlineSnapshot(`
      [
        "step 0: $.response.status: expected eq 200, got 503",
      ]
    `)
  })
})
