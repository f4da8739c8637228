// runDefinition(): one environment for the definition, its tests in order (F-123), variables reset
// per test, a failing step ends the run and the rest is reported as skipped (F-124), test-level
// loops, timeoutSeconds and stopOnFailure honoured (decisions), teardown always.
import type { Definition, Test } from '@dokkimi/resolver'
import { DokkimiError } from '../errors.js'
import { createEnvironment, type CreateEnvironmentOptions, type StartedEnvironment } from '../environment/create-environment.js'
import type { BootEvent } from '../runtime/runtime.js'
import { loopOf, runLoop } from './_loops.js'
import { errorInfo, runSteps, skipped, type StepEvent } from './run-steps.js'
import type { DefinitionResult, ErrorInfo, StepResult, TestResult } from './results.js'

export type RunEvent =
  | { type: 'boot'; definition: string; event: BootEvent }
  | { type: 'ready'; definition: string; bootMs: number }
  | { type: 'test-start'; definition: string; test: string }
  | ({ definition: string; test: string } & StepEvent)
  | { type: 'test-end'; definition: string; result: TestResult }

export interface RunDefinitionOptions extends Omit<CreateEnvironmentOptions, 'onProgress'> {
  onEvent?: (event: RunEvent) => void
  /** Leave the environment running when the definition fails; the caller must stop it. */
  keepOnFailure?: boolean
  /** Receives the environment once it is ready (for adapters and `--keep-on-failure`). */
  onEnvironment?: (env: StartedEnvironment) => void
}

/**
 * An environment started for one definition, whose tests run one at a time (the adapters run each
 * as its own `it`). Tests share the environment; variables reset per test (F-123); once a step
 * fails with stopOnFailure, later tests are skipped (F-124).
 */
export class DefinitionSession implements AsyncDisposable {
  private fatalReason: string | undefined

  constructor(
    readonly definition: Definition,
    readonly env: StartedEnvironment,
    private readonly options: Pick<RunDefinitionOptions, 'signal' | 'onEvent'> = {},
  ) {}

  /** Why later tests are skipped, once a test failed fatally. */
  get skipReason(): string | undefined {
    return this.fatalReason ?? (this.options.signal?.aborted ? 'the run was interrupted' : undefined)
  }

  /** Runs one test of the definition (by name or object) and returns its result; never throws for a failing test. */
  async runTest(testOrName: Test | string): Promise<TestResult> {
    const test = typeof testOrName === 'string' ? this.definition.tests.find((t) => t.name === testOrName) : testOrName
    if (!test) throw new DokkimiError('TEST_NOT_FOUND', `[dokkimi] definition "${this.definition.name}" has no test named "${String(testOrName)}"; its tests are: ${this.definition.tests.map((t) => `"${t.name}"`).join(', ')}`, { details: { definition: this.definition.name, test: String(testOrName) } })
    const reason = this.skipReason
    if (reason) return skippedTest(test, reason)
    const emit = this.options.onEvent ?? (() => {})
    const name = this.definition.name
    emit({ type: 'test-start', definition: name, test: test.name })
    const result = await runTest(this.env, this.definition, test, this.options, (e) => emit({ ...e, definition: name, test: test.name }))
    if (result.fatal) this.fatalReason = 'a previous step failed before reaching this test'
    emit({ type: 'test-end', definition: name, result: result.test })
    return result.test
  }

  stop(): Promise<unknown> {
    return this.env.stop()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

/** Starts the environment of `definition` and returns a session that runs its tests one by one. */
export async function startDefinition(definition: Definition, options: RunDefinitionOptions): Promise<DefinitionSession> {
  const emit = options.onEvent ?? (() => {})
  const env = await createEnvironment(definition, { ...options, onProgress: (event) => emit({ type: 'boot', definition: definition.name, event }) })
  options.onEnvironment?.(env)
  emit({ type: 'ready', definition: definition.name, bootMs: env.bootMs })
  return new DefinitionSession(definition, env, options)
}

/** Runs every test of `definition` in one fresh environment and returns the structured result. */
export async function runDefinition(definition: Definition, options: RunDefinitionOptions): Promise<DefinitionResult> {
  const startedAt = Date.now()
  const t0 = performance.now()
  let session: DefinitionSession
  try {
    session = await startDefinition(definition, options)
  } catch (error) {
    return {
      name: definition.name,
      file: definition.file,
      runId: '',
      status: 'error',
      startedAt,
      bootMs: Math.round(performance.now() - t0),
      durationMs: Math.round(performance.now() - t0),
      tests: definition.tests.map((t) => skippedTest(t, 'the environment could not start')),
      error: errorInfo(error),
    }
  }
  const tests: TestResult[] = []
  let runError: ErrorInfo | undefined
  try {
    for (const test of definition.tests) tests.push(await session.runTest(test))
  } catch (error) {
    runError = errorInfo(error)
  }
  const failed = runError !== undefined || tests.some((t) => t.status === 'failed')
  if (!(failed && options.keepOnFailure)) await session.stop()
  return {
    name: definition.name,
    file: definition.file,
    runId: session.env.runId,
    status: runError ? 'error' : failed ? 'failed' : 'passed',
    startedAt,
    bootMs: session.env.bootMs,
    durationMs: Math.round(performance.now() - t0),
    tests,
    ...(runError ? { error: runError } : {}),
  }
}

async function runTest(env: StartedEnvironment, definition: Definition, test: Test, options: Pick<RunDefinitionOptions, 'signal'>, onEvent: (e: StepEvent) => void): Promise<{ test: TestResult; fatal: boolean }> {
  const t0 = performance.now()
  const timeout = test.timeoutSeconds ? AbortSignal.timeout(test.timeoutSeconds * 1000) : undefined
  const signal = timeout && options.signal ? AbortSignal.any([timeout, options.signal]) : (timeout ?? options.signal)
  const stopOnFailure = test.stopOnFailure !== false
  // F-123: every test starts from definition + test variables; extracted values never leak.
  const fresh = () => structuredClone({ ...definition.variables, ...(test.variables ?? {}) }) as Record<string, unknown>
  const steps: StepResult[] = []
  let fatal = false
  let error: ErrorInfo | undefined
  const loop = loopOf(test as Record<string, unknown>)
  try {
    if (loop) {
      // F-205: each iteration resets the variables, sets the loop variables and runs the loop's steps.
      const body = (loop.spec.steps as Test['steps']) ?? []
      let vars = fresh()
      const loopVars: Record<string, unknown> = { ...vars }
      await runLoop(
        loop.kind,
        loop.spec,
        loopVars,
        async () => {
          vars = { ...fresh(), [loop.spec.as]: loopVars[loop.spec.as], ...(loop.spec.name ? { [loop.spec.name]: loopVars[loop.spec.name] } : {}) }
          const r = await runSteps(env, body, vars, { ...(signal ? { signal } : {}), onEvent, stopOnFailure })
          steps.push(...r.steps)
          if (r.fatal) fatal = true
          const last = r.steps.at(-1)
          return { failed: r.failed, continueOnFailure: !stopOnFailure, ...(last ? { self: { request: last.request, response: last.response, responseTime: last.responseTime ?? null } } : {}) }
        },
        signal,
      )
    } else {
      const r = await runSteps(env, test.steps ?? [], fresh(), { ...(signal ? { signal } : {}), onEvent, stopOnFailure })
      steps.push(...r.steps)
      fatal = r.fatal
    }
  } catch (e) {
    error = errorInfo(e)
    fatal = stopOnFailure
  }
  if (timeout?.aborted) error = { code: 'STEP_TIMEOUT', message: `test "${test.name}" did not finish within timeoutSeconds ${test.timeoutSeconds}` }
  const failed = error !== undefined || steps.some((s) => s.status === 'failed')
  return {
    test: { name: test.name, status: failed ? 'failed' : 'passed', durationMs: Math.round(performance.now() - t0), steps, ...(error ? { error } : {}) },
    fatal: fatal || (failed && stopOnFailure),
  }
}

function skippedTest(test: Test, reason: string): TestResult {
  const steps = (test.steps ?? (loopOf(test as Record<string, unknown>)?.spec.steps as Test['steps']) ?? []).map((s, i) => skipped(s, i, reason))
  return { name: test.name, status: 'skipped', durationMs: 0, steps }
}
