// Type tests, checked by `pnpm typecheck` (never run): the matchers on Vitest's expect, the
// provided context, and the entry points as a user writes them with core's builder.
import { defineEnvironment, fromYaml, mock, postgres, service, type FlowEnvironment } from '@dokkimi/core'
import { expect, expectTypeOf, inject } from 'vitest'
import { describeDefinition, dokkimi, useEnvironment, type DokkimiContext } from '../src/index.js'

declare const env: FlowEnvironment

// Matchers: async, typed queries, misuse is a type error.
expectTypeOf(expect(env).toHaveCalled({ origin: 'payment-service', method: 'POST', url: 'api.stripe.com/v1/charges', body: { amount: 2498 } })).toExtend<Promise<unknown>>()
expectTypeOf(expect(env).not.toHaveCalled({ url: /sendgrid/, status: 202, where: { 'request.body.to': 'a@b.c' } })).toExtend<Promise<unknown>>()
expectTypeOf(expect(env).toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 1)).toExtend<Promise<unknown>>()
expectTypeOf(expect(env).toHaveLogged('order-service', /order \d+ paid/)).toExtend<Promise<unknown>>()
expectTypeOf(expect(env).toHaveLogged('paid')).toExtend<Promise<unknown>>()
// @ts-expect-error misspelt query field
void expect(env).toHaveCalled({ uri: 'api.stripe.com' })
// @ts-expect-error the count is required
void expect(env).toHaveCalledTimes({ url: 'api.stripe.com' })
// @ts-expect-error a pattern is a string or a RegExp
void expect(env).toHaveLogged('order-service', 42)

// What the plugin provides.
expectTypeOf(inject('dokkimi')).toEqualTypeOf<DokkimiContext | undefined>()
expectTypeOf<DokkimiContext>().toEqualTypeOf<{ session: string; runtime: string; images: Record<string, string>; cwd: string }>()

// Entry points.
expectTypeOf(dokkimi).parameter(0).toEqualTypeOf<{ runtime?: 'docker' | 'kubernetes' | (string & {}); images?: Record<string, string>; session?: string } | undefined>()
expectTypeOf(dokkimi().name).toBeString()
expectTypeOf(describeDefinition).parameter(0).toEqualTypeOf<string | URL>()
expectTypeOf(describeDefinition).returns.toBeVoid()
const spec = defineEnvironment({
  name: 'checkout',
  items: [
    service('api-gateway', { image: 'dokkimi-example/api-gateway:dev', port: 3000, healthCheck: '/health', env: { ORDER_SERVICE_URL: 'http://order-service:3001' } }),
    postgres('postgres-db', { initFiles: ['init/schema.sql'] }),
    mock('api.stripe.com', { path: '/v1/charges', status: 200, body: { id: 'ch_1' } }),
    fromYaml('shared/notification-service.yaml'),
  ],
})
expectTypeOf(useEnvironment(spec)).toEqualTypeOf<FlowEnvironment>()
expectTypeOf(useEnvironment(spec, { scope: 'test' }).http.post('api-gateway/v1/orders', { json: {} })).resolves.toHaveProperty('status').toBeNumber()
// @ts-expect-error scope is 'file' or 'test'
useEnvironment(spec, { scope: 'suite' })
// @ts-expect-error misspelt item field
service('api-gateway', { image: 'x', prot: 3000 })
