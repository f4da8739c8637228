// useEnvironment(): a TypeScript flow's environment for the tests of a file (or of the describe
// block it is called in), or a fresh one per test. The handle is a proxy, usable once the hook
// that starts the environment has run; before each test it opens a step window named after it.
import { DokkimiError, formatIssues, isResolveError, startEnvironment, type Definition, type EnvironmentSpec, type FlowEnvironment, type SettleOptions } from '@dokkimi/core'
import { afterAll, afterEach, beforeAll, beforeEach, type TestContext } from 'vitest'
import { runtimeFactory } from './_context.js'
import { reportError } from './_report-error.js'
import { dokkimiContext } from './_dokkimi-context.js'
import { trackEnvironment } from './_track-environment.js'

export interface UseEnvironmentOptions {
  /**
   * `file`: one environment for every test of the file (or of the describe block), started in
   * beforeAll; `test`: a fresh environment per test, started in beforeEach.
   * @default 'file'
   */
  scope?: 'file' | 'test'
  /** Quiet period and deadline of traffic matchers. @default core's defaults */
  settle?: SettleOptions
}

type State = { kind: 'idle' } | { kind: 'starting' } | { kind: 'running'; env: FlowEnvironment } | { kind: 'failed'; error: unknown } | { kind: 'stopped' }

// Read by tools that inspect any value (printing, thenable checks); they get undefined instead of an error.
const INSPECTED = new Set<PropertyKey>(['then', 'toJSON', 'asymmetricMatch', '$$typeof', 'nodeType', 'constructor'])

/** Starts `spec` for the tests around it and returns its handle, a FlowEnvironment usable inside tests and later hooks. */
export function useEnvironment(spec: EnvironmentSpec | Definition, options: UseEnvironmentOptions = {}): FlowEnvironment {
  const context = dokkimiContext('useEnvironment()')
  const name = spec.name
  let state: State = { kind: 'idle' }
  let untrack = () => {}

  const start = async () => {
    const abort = new AbortController()
    state = { kind: 'starting' }
    let env: FlowEnvironment | undefined
    untrack = trackEnvironment(abort, async () => env?.stop())
    try {
      env = await startEnvironment(spec, { runtime: await runtimeFactory(context), session: context.session, signal: abort.signal, ...(options.settle ? { settle: options.settle } : {}) })
      state = { kind: 'running', env }
    } catch (error) {
      state = { kind: 'failed', error }
      untrack()
      if (isResolveError(error)) throw reportError('RESOLVER_INVALID_DEFINITION', formatIssues(error.issues, { cwd: context.cwd }))
      throw error
    }
  }
  const stop = async () => {
    const current = state
    state = { kind: 'stopped' }
    try {
      if (current.kind === 'running') await current.env.stop()
    } finally {
      untrack()
    }
  }
  const step = async (ctx: TestContext) => {
    if (state.kind === 'running') await state.env.step(ctx.task.name)
  }

  if (options.scope === 'test') {
    beforeEach(async (ctx) => {
      await start()
      await step(ctx)
    })
    afterEach(stop)
  } else {
    beforeAll(start)
    beforeEach(step)
    afterAll(stop)
  }

  const running = (prop: PropertyKey): FlowEnvironment => {
    if (state.kind === 'running') return state.env
    const what = `env.${String(prop)}`
    if (state.kind === 'failed') throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] ${what}: the environment "${name}" could not start (see the hook's error above)`, { cause: state.error })
    if (state.kind === 'stopped') throw new DokkimiError('ENVIRONMENT_STOPPED', `[dokkimi] ${what}: the environment "${name}" was already stopped. Use it inside tests, or in hooks that run before its ${options.scope === 'test' ? 'afterEach' : 'afterAll'}`)
    const hook = options.scope === 'test' ? 'beforeEach' : 'beforeAll'
    throw new DokkimiError('ENVIRONMENT_NOT_RUNNING', `[dokkimi] ${what}: the environment "${name}" is not running yet; useEnvironment() starts it in ${hook}. Use the handle inside tests (or hooks registered after useEnvironment()), not while tests are being collected`)
  }
  return new Proxy({} as FlowEnvironment, {
    get(_, prop) {
      if (state.kind !== 'running' && (typeof prop === 'symbol' || INSPECTED.has(prop))) return undefined
      const env = running(prop)
      const value: unknown = Reflect.get(env, prop, env)
      return typeof value === 'function' ? value.bind(env) : value
    },
    has(_, prop) {
      return prop in running(prop)
    },
  })
}
