// Type tests (checked by `pnpm typecheck`, never run): the preset adds Dokkimi's matchers to
// Jest's `expect`, async and with typed queries, and pins useEnvironment/describeDefinition.
import type { expect as jestExpect } from '@jest/globals'
import { defineEnvironment, type EnvironmentSpec, type FlowEnvironment } from '@dokkimi/core'
import { expectTypeOf } from 'vitest'
import { describeDefinition, useEnvironment, type DokkimiJestOptions, type UseEnvironmentOptions } from '../src/index.js'

declare const expect: typeof jestExpect
declare const env: FlowEnvironment

export function matcherTypes(): void {
  expectTypeOf(expect(env).toHaveCalled({ origin: 'payment-service', method: 'POST', url: 'api.stripe.com/v1/charges', body: { amount: 2498 } })).toEqualTypeOf<Promise<void>>()
  expectTypeOf(expect(env).toHaveCalled()).toEqualTypeOf<Promise<void>>()
  expectTypeOf(expect(env).not.toHaveCalled({ url: /sendgrid/ })).toEqualTypeOf<Promise<void>>()
  expectTypeOf(expect(env).toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 1)).toEqualTypeOf<Promise<void>>()
  expectTypeOf(expect(env).toHaveLogged('order-service', /order \d+ paid/)).toEqualTypeOf<Promise<void>>()
  expectTypeOf(expect(env).not.toHaveLogged('declined')).toEqualTypeOf<Promise<void>>()
  // Jest's own matchers are still there.
  expectTypeOf(expect(1).toBe(1)).toEqualTypeOf<void>()

  // @ts-expect-error a misspelt query field
  void expect(env).toHaveCalled({ urll: 'api.stripe.com' })
  // @ts-expect-error the count is required
  void expect(env).toHaveCalledTimes({ url: 'api.stripe.com' })
  // @ts-expect-error a pattern is a string or a RegExp
  void expect(env).toHaveLogged('order-service', 42)
}

export function adapterTypes(spec: EnvironmentSpec): void {
  expectTypeOf(useEnvironment(spec)).toEqualTypeOf<FlowEnvironment>()
  expectTypeOf(useEnvironment(defineEnvironment({ name: 'x', items: [] }), { scope: 'test' })).toEqualTypeOf<FlowEnvironment>()
  expectTypeOf<UseEnvironmentOptions['scope']>().toEqualTypeOf<'file' | 'test' | undefined>()
  // @ts-expect-error scopes are 'file' and 'test'
  useEnvironment(spec, { scope: 'suite' })
  expectTypeOf(describeDefinition).parameter(0).toEqualTypeOf<string | URL>()
  expectTypeOf<DokkimiJestOptions>().toEqualTypeOf<{ runtime?: string; images?: Record<string, string>; session?: string }>()
}
