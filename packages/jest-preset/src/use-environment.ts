// useEnvironment(): a TypeScript-declared environment for the tests of a file (or one per test),
// started and stopped in Jest's hooks, reached through a handle that is live only while it runs.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals'
import { DokkimiError, FlowEnvironment, formatIssues, isResolveError, startEnvironment, type Definition, type EnvironmentSpec } from '@dokkimi/core'
import { failure, startFailure } from './_failure.js'
import { readHandoff, runtimeOf } from './_handoff.js'

export interface UseEnvironmentOptions {
  /** `file`: one environment for the tests of the file (or describe); `test`: a fresh one per test. @default 'file' */
  scope?: 'file' | 'test'
}

// Instance fields of FlowEnvironment; methods and getters are found on its prototype.
const FIELDS = new Set<PropertyKey>(['http', 'traffic', 'started'])

/**
 * Starts `spec` in beforeAll (scope `file`) or beforeEach (scope `test`), stops it in the matching
 * after hook, and opens a step window named after each test so traffic is attributed per test.
 */
export function useEnvironment(spec: EnvironmentSpec | Definition, options: UseEnvironmentOptions = {}): FlowEnvironment {
  const scope = options.scope ?? 'file'
  if (scope !== 'file' && scope !== 'test') throw new DokkimiError('FLOW_INVALID_ARGUMENT', `[dokkimi] useEnvironment scope must be 'file' or 'test', got ${JSON.stringify(scope)}`)
  let env: FlowEnvironment | undefined
  let state: 'waiting' | 'failed' | 'stopped' = 'waiting'
  const start = async () => {
    const handoff = readHandoff()
    try {
      env = await startEnvironment(spec, { runtime: await runtimeOf(handoff), session: handoff.session })
    } catch (error) {
      state = 'failed'
      if (isResolveError(error)) throw failure('RESOLVER_INVALID_DEFINITION', formatIssues(error.issues, { cwd: process.cwd() }))
      throw startFailure(error)
    }
  }
  const step = () => env?.step(expect.getState().currentTestName ?? spec.name)
  const stop = async () => {
    const running = env
    env = undefined
    state = 'stopped'
    await running?.stop()
  }
  if (scope === 'file') {
    beforeAll(start)
    beforeEach(step)
    afterAll(stop)
  } else {
    beforeEach(async () => {
      await start()
      await step()
    })
    afterEach(stop)
  }
  return handle(spec.name, scope, () => env, () => state)
}

function handle(name: string, scope: 'file' | 'test', current: () => FlowEnvironment | undefined, state: () => string): FlowEnvironment {
  const unavailable = (prop: string) => {
    const hook = scope === 'file' ? 'beforeAll' : 'beforeEach'
    const why =
      state() === 'failed'
        ? `it failed to start (see the ${hook} error)`
        : state() === 'stopped'
          ? `it is stopped (${scope === 'file' ? 'afterAll' : 'afterEach'} ran)`
          : `it starts in ${hook}, which has not run yet`
    return new DokkimiError('ENVIRONMENT_NOT_RUNNING', `[dokkimi] env.${prop} of useEnvironment("${name}") used outside a test: ${why}. Use the environment inside it()/test() or in hooks declared after useEnvironment()`)
  }
  return new Proxy(Object.create(FlowEnvironment.prototype) as FlowEnvironment, {
    get(_target, prop) {
      const env = current()
      if (!env) {
        // Probes such as `then` or Symbol.toStringTag must not throw.
        if (typeof prop === 'symbol' || !(FIELDS.has(prop) || prop in FlowEnvironment.prototype)) return undefined
        throw unavailable(prop)
      }
      const value: unknown = Reflect.get(env, prop, env)
      return typeof value === 'function' ? value.bind(env) : value
    },
    has(_target, prop) {
      return FIELDS.has(prop) || prop in FlowEnvironment.prototype
    },
    set() {
      return false
    },
  })
}
