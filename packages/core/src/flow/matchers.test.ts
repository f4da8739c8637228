// The matchers end to end on the memory runtime, through vitest's expect.extend.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import { memoryRuntime } from '../testing/memory-runtime.js'
import { shop, shopServices } from './_shop.js'
import type { CallQuery } from './_call-query.js'
import type { FlowEnvironment } from './flow-environment.js'
import { dokkimiMatchers, type DokkimiMatchers } from './matchers.js'
import { startEnvironment } from './start-environment.js'

expect.extend(dokkimiMatchers)

// The adapters augment their framework's types; here the matchers are typed locally.
type Matchers = DokkimiMatchers<void> & { not: DokkimiMatchers<void> }
const expectEnv = (value: unknown) => expect(value) as unknown as Matchers

let env: FlowEnvironment
beforeAll(async () => {
  env = await startEnvironment(shop(400), { runtime: memoryRuntime({ services: shopServices }) })
})
afterAll(() => env?.stop())
beforeEach(async (ctx) => {
  await env.step(ctx.task.name)
})

/** The failure message of `run`, with durations and order ids fixed. */
async function failure(run: () => Promise<void>): Promise<string> {
  try {
    await run()
  } catch (error) {
    return (error as Error).message.replace(/\d+ ms/g, 'N ms').replace(/ord_\d+/g, 'ord_N')
  }
  throw new Error('expected the assertion to fail')
}

async function order(body: Record<string, unknown> = {}) {
  const res = await env.http.post('order-service/api/orders', { json: { quantity: 2, price: 1249, ...body } })
  expect(res.status).toBe(201)
}

describe('toHaveCalled', () => {
  it('passes for a matching call and fails with the closest captured calls', async () => {
    await order({ notify: false })
    await expectEnv(env).toHaveCalled({ origin: 'payment-service', method: 'POST', url: 'api.stripe.com/v1/charges', body: { amount: 2498 } })
    await expectEnv(env).toHaveCalled()
    expect(
      await failure(() => expectEnv(env).toHaveCalled({ origin: 'payment-service', method: 'POST', url: 'api.stripe.com/v1/charges', body: { amount: 2499, currency: 'usd' } })),
    ).toMatchInlineSnapshot(`
      "expected a call matching origin payment-service, method POST, url api.stripe.com/v1/charges, body {"amount":2499,"currency":"usd"}, found none among 3 calls captured in this step
      closest captured calls:
        payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]
          $$.request.body.amount eq 2499, actual 2498
        order-service → payment-service  POST /api/payments  200  N ms
          $$.origin eq "payment-service", actual "order-service"
          $$.request.url matches "api.stripe.com/v1/charges", actual "http://payment-service/api/payments"
          $$.request.body.amount eq 2499, actual 2498
        test → order-service  POST /api/orders  201  N ms
          $$.origin eq "payment-service", actual "test"
          $$.request.url matches "api.stripe.com/v1/charges", actual "http://order-service/api/orders"
          $$.request.body.amount eq 2499, actual undefined
          $$.request.body.currency eq "usd", actual undefined
      traffic of this step:
        test → order-service              POST /api/orders    201  N ms
        order-service → payment-service   POST /api/payments  200  N ms
        payment-service → api.stripe.com  POST /v1/charges    200  N ms  [mocked]"
    `)
    expect(await failure(() => expectEnv(env).toHaveCalled({ url: 'api.stripe.com/v1/refunds' }))).toMatchInlineSnapshot(`
      "expected a call matching url api.stripe.com/v1/refunds, found none among 3 calls captured in this step
      closest captured calls:
        payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]
          $$.request.url matches "api.stripe.com/v1/refunds", actual "http://api.stripe.com/v1/charges"
        test → order-service  POST /api/orders  201  N ms
          $$.request.url matches "api.stripe.com/v1/refunds", actual "http://order-service/api/orders"
        order-service → payment-service  POST /api/payments  200  N ms
          $$.request.url matches "api.stripe.com/v1/refunds", actual "http://payment-service/api/payments"
      traffic of this step:
        test → order-service              POST /api/orders    201  N ms
        order-service → payment-service   POST /api/payments  200  N ms
        payment-service → api.stripe.com  POST /v1/charges    200  N ms  [mocked]"
    `)
  })

  it('.not fails for a call still in flight when the assertion starts: it waits for quiet traffic, then fails', async () => {
    await order({ email: 'c@example.com' })
    // SendGrid answers after 400 ms: wait until the call is in flight, not yet captured.
    for (let i = 0; i < 100 && (await env.started.ledger.status()).inFlight === 0; i++) await sleep(5)
    expect((await env.started.ledger.status()).inFlight).toBeGreaterThan(0)
    expect(env.traffic.all({ step: 'current' }).some((c) => c.to === 'api.sendgrid.com')).toBe(false)
    const started = Date.now()
    const message = await failure(() => expectEnv(env).not.toHaveCalled({ url: 'api.sendgrid.com/*' }))
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(message).toMatchInlineSnapshot(`
      "expected no call matching url api.sendgrid.com/*, found 1 call
      matched call: order-service → api.sendgrid.com  POST /v3/mail/send  202  N ms  [mocked]"
    `)
  })

  it('.not passes when nothing matches, and names every offending call otherwise', async () => {
    await order({ notify: false })
    await expectEnv(env).not.toHaveCalled({ url: 'api.sendgrid.com/*' })
    await expectEnv(env).not.toHaveCalled({ origin: 'order-service', url: 'api.stripe.com/*' })
    expect(await failure(() => expectEnv(env).not.toHaveCalled({ method: 'POST', status: 200 }))).toMatchInlineSnapshot(`
      "expected no call matching method POST, status 200, found 2 calls
      matched calls (2):
        order-service → payment-service  POST /api/payments  200  N ms
        payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]"
    `)
  })
})

describe('toHaveCalledTimes', () => {
  it('counts the calls of the current step only', async () => {
    await order({ notify: false })
    await order({ notify: false, price: 1 })
    await expectEnv(env).toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 2)
    await expectEnv(env).toHaveCalledTimes({ url: 'api.stripe.com/v1/charges', body: { amount: 2 } }, 1)
    await expectEnv(env).not.toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 1)
    await expectEnv(env).toHaveCalledTimes({ url: 'api.sendgrid.com/*' }, 0)
    expect(await failure(() => expectEnv(env).toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 1))).toMatchInlineSnapshot(`
      "expected 1 call matching url api.stripe.com/v1/charges, found 2
      matched calls (2):
        payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]
        payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]"
    `)
    expect(await failure(() => expectEnv(env).toHaveCalledTimes({ url: 'api.stripe.com/v1/charges', body: { amount: 2 } }, 2))).toMatchInlineSnapshot(`
      "expected 2 calls matching url api.stripe.com/v1/charges, body {"amount":2}, found 1
      matched call: payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]
      closest captured calls:
        payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]
          $$.request.body.amount eq 2, actual 2498
        order-service → payment-service  POST /api/payments  200  N ms
          $$.request.url matches "api.stripe.com/v1/charges", actual "http://payment-service/api/payments"
        test → order-service  POST /api/orders  201  N ms
          $$.request.url matches "api.stripe.com/v1/charges", actual "http://order-service/api/orders"
          $$.request.body.amount eq 2, actual undefined"
    `)
  })

  it('rejects a count that is not a whole number', async () => {
    await expect(expectEnv(env).toHaveCalledTimes({}, 1.5)).rejects.toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] toHaveCalledTimes needs a whole number of calls, got 1.5. Write e.g. toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 1).]`)
  })
})

describe('toHaveLogged', () => {
  it('matches a substring or a RegExp, for one item or over all items', async () => {
    await order({ notify: false })
    await expectEnv(env).toHaveLogged('order-service', /order ord_\d+ paid/)
    await expectEnv(env).toHaveLogged('payment-service', 'charged 2498')
    await expectEnv(env).toHaveLogged(/charged \d+/)
    await expectEnv(env).not.toHaveLogged('order-service', 'charged')
    await expectEnv(env).not.toHaveLogged(/payment failed/)
    expect(await failure(() => expectEnv(env).toHaveLogged('order-service', /refunded/))).toMatchInlineSnapshot(`
      "expected order-service to log /refunded/, found none among 1 console line in this step
      last lines:
        order-service  INFO  [INFO] order ord_N paid"
    `)
    expect(await failure(() => expectEnv(env).not.toHaveLogged('paid'))).toMatchInlineSnapshot(`
      "expected any item not to log "paid", found 1 line
      matching lines:
        order-service  INFO  [INFO] order ord_N paid"
    `)
  })

  it('sees only the current step: lines of earlier steps do not count', async () => {
    await expectEnv(env).not.toHaveLogged(/paid/)
  })
})

describe('misuse', () => {
  it('says what the matchers need', async () => {
    await expect(expectEnv({}).toHaveCalled({})).rejects.toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] toHaveCalled needs the environment startEnvironment() returned, got {}. Write \`await expect(env).toHaveCalled(…)\`.]`)
    await expect(expectEnv(env).toHaveLogged('order-service', 42 as never)).rejects.toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] toHaveLogged needs a string or a RegExp, got 42. Write e.g. toHaveLogged('order-service', /order \\d+ paid/).]`)
  })

  it('has typed signatures', () => {
    expectTypeOf<Matchers['toHaveCalledTimes']>().parameters.toEqualTypeOf<[query: CallQuery, times: number]>()
    expectTypeOf<Matchers['toHaveCalled']>().returns.toEqualTypeOf<Promise<void>>()
    const typed = (m: Matchers) => {
      // @ts-expect-error the count is a number
      void m.toHaveCalledTimes({ url: 'x' }, '1')
      // @ts-expect-error a misspelt query field
      void m.toHaveCalled({ urll: 'x' })
      // @ts-expect-error status is a number
      void m.not.toHaveCalled({ status: '200' })
      // @ts-expect-error a pattern is a string or a RegExp
      void m.toHaveLogged('order-service', 42)
    }
    expect(typeof typed).toBe('function')
  })
})
