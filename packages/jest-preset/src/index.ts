// @dokkimi/jest-preset: Dokkimi definitions and TypeScript flows inside Jest.
import type { DokkimiMatchers } from '@dokkimi/core'

export { describeDefinition, type DescribeDefinitionOptions } from './describe-definition.js'
export { useEnvironment, type UseEnvironmentOptions } from './use-environment.js'
export type { DokkimiJestOptions } from './global-setup.js'

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void>, T = unknown> extends DokkimiMatchers<R> {}
}
