// @dokkimi/vitest-plugin: Dokkimi definitions and TypeScript flows inside Vitest.
import type { DokkimiMatchers } from '@dokkimi/core'
import type { DokkimiContext } from './_context.js'

export { dokkimi, type DokkimiOptions } from './dokkimi.js'
export { describeDefinition, type DescribeDefinitionOptions } from './describe-definition.js'
export { useEnvironment, type UseEnvironmentOptions } from './use-environment.js'
export type { DokkimiContext } from './_context.js'

declare module 'vitest' {
  // Same type parameters as Vitest's declaration, as merging requires.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends DokkimiMatchers<T> {}
  interface ProvidedContext {
    /** Set by the dokkimi() plugin: the run's session, runtime and image map. */
    dokkimi?: DokkimiContext
  }
}
