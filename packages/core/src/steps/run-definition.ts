// runDefinition(): one environment for the definition, its tests in order (F-123), variables reset
// per test, a failing step ends the run and the rest is reported as skipped (F-124), test-level
// loops, timeoutSeconds and stopOnFailure honoured (decisions), teardown always.
import type { Definition, Test } from '@dokkimi/resolver'
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

/** Runs every test of `definition` in one fresh environment and returns the structured result. */
export async function runDefinition(definition: Definition, options: RunDefinitionOptions): Promise<DefinitionResult> {
  const startedAt = Date.now()
  const t0 = performance.now()
  const emit = options.onEvent ?? (() => {})
  let env: StartedEnvironment
  try {
    env = await createEnvironment(definition, { ...options, onProgress: (event) => emit({ type: 'boot', definition: definition.name, event }) })
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
  options.onEnvironment?.(env)
  emit({ type: 'ready', definition: definition.name, bootMs: env.bootMs })
  const tests: TestResult[] = []
  let fatal = false
  let runError: ErrorInfo | undefined
  try {
    for (const test of definition.tests) {
      if (fatal || options.signal?.aborted) {
        tests.push(skippedTest(test, fatal ? 'a previous step failed before reaching this test' : 'the run was interrupted'))
        continue
      }
      emit({ type: 'test-start', definition: definition.name, test: test.name })
      const result = await runTest(env, definition, test, options, (e) => emit({ ...e, definition: definition.name, test: test.name }))
      tests.push(result.test)
      if (result.fatal) fatal = true
      emit({ type: 'test-end', definition: definition.name, result: result.test })
    }
  } catch (error) {
    runError = errorInfo(error)
  }
  const failed = runError !== undefined || tests.some((t) => t.status === 'failed')
  if (!(failed && options.keepOnFailure)) await env.stop()
  return {
    name: definition.name,
    file: definition.file,
    runId: env.runId,
    status: runError ? 'error' : failed ? 'failed' : 'passed',
    startedAt,
    bootMs: env.bootMs,
    durationMs: Math.round(performance.now() - t0),
    tests,
    ...(runError ? { error: runError } : {}),
  }
}

async function runTest(env: StartedEnvironment, definition: Definition, test: Test, options: RunDefinitionOptions, onEvent: (e: StepEvent) => void): Promise<{ test: TestResult; fatal: boolean }> {
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
