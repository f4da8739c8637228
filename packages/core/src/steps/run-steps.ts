// Runs the steps of one test against a started environment (F-120..F-148, F-180..F-214,
// ARCHITECTURE.md §5): marks each step's window at the interceptor, runs the action, extracts,
// evaluates assertion blocks with quiescence, and reports a StepResult per step.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Action, Step } from '@dokkimi/resolver'
import { assert } from '../assert/assert.js'
import { runExtract } from '../assert/extract.js'
import type { AssertionResult, BlockResult, RootContext } from '../assert/types.js'
import type { DatabaseClient } from '../db/open-database.js'
import type { SettleOptions, TrafficLedger } from '../environment/traffic-ledger.js'
import { DokkimiError, isDokkimiError } from '../errors.js'
import { interpolateString, interpolateValue } from '../variables/interpolate.js'
import { runHttp, type HttpAction, type HttpTarget } from './_http.js'
import { loopOf, runLoop } from './_loops.js'
import { EMPTY_SELF, type SelfDocument } from './_self.js'
import type { ErrorInfo, StepResult } from './results.js'

/** What the step runner needs from an environment; `StartedEnvironment` provides it. */
export interface StepEnvironment {
  readonly ledger: TrafficLedger
  readonly http: HttpTarget
  database(name: string): Promise<DatabaseClient>
  /** Allocates the next step id (1, 2, 3, … per environment). */
  nextStepId(): number
  readonly settleOptions: SettleOptions
}

export type StepEvent = { type: 'step-start'; index: number; name: string } | { type: 'step-end'; result: StepResult }

export interface RunStepsOptions {
  signal?: AbortSignal
  onEvent?: (event: StepEvent) => void
  /** Skip everything once a step fails (F-124). @default true */
  stopOnFailure?: boolean
}

export interface RunStepsResult {
  steps: StepResult[]
  /** A step failed in a way that ends the run (not covered by `stopOnFailure: false`). */
  fatal: boolean
  failed: boolean
}

const DB_TIMEOUT_MS = 30_000

interface TestState {
  /** Step id of the last non-wait step: a wait step's window starts there (F-129). */
  lastNonWaitId: number
}

/** Runs `steps` in order with `vars` as the live per-test variable map (F-187). */
export async function runSteps(env: StepEnvironment, steps: readonly Step[], vars: Record<string, unknown>, options: RunStepsOptions = {}): Promise<RunStepsResult> {
  const results: StepResult[] = []
  const state: TestState = { lastNonWaitId: 0 }
  let fatal = false
  let failed = false
  for (const [index, step] of steps.entries()) {
    if (fatal || options.signal?.aborted) {
      results.push(skipped(step, index, fatal ? 'a previous step failed before reaching this step' : 'the run was interrupted'))
      continue
    }
    const result = await runStep(env, step, index, vars, state, options)
    results.push(result)
    options.onEvent?.({ type: 'step-end', result })
    if (result.status === 'failed') {
      failed = true
      if (options.stopOnFailure !== false) fatal = true
    }
  }
  return { steps: results, fatal, failed }
}

/** The result of a step that never ran (F-124). */
export function skipped(step: Step, index: number, reason: string): StepResult {
  return {
    index,
    id: 0,
    name: step.name ?? describeAction(step.action ?? loopOf(step)?.spec.action),
    status: 'skipped',
    startedAt: Date.now(),
    durationMs: 0,
    error: { code: 'STEP_SKIPPED', message: `Step was not executed — ${reason}` },
    extracts: [],
    blocks: [],
    traffic: [],
    consoleLogs: [],
  }
}

async function runStep(env: StepEnvironment, step: Step, index: number, vars: Record<string, unknown>, state: TestState, options: RunStepsOptions): Promise<StepResult> {
  const loop = loopOf(step)
  if (!loop) return runOnce(env, step, index, vars, state, options, '')
  // Step-level loop (F-206): the body lives in the loop object; the action may stay a sibling.
  const iterations: StepResult[] = []
  const started = Date.now()
  let loopError: ErrorInfo | undefined
  try {
    await runLoop(
      loop.kind,
      loop.spec,
      vars,
      async (_i, label) => {
        const body = { ...step, action: (loop.spec.action as Action | undefined) ?? step.action, extract: loop.spec.extract, assertions: loop.spec.assertions } as Step
        const r = await runOnce(env, body, index, vars, state, options, ` ${label}`)
        iterations.push(r)
        return { failed: r.status === 'failed', continueOnFailure: step.stopOnFailure === false, self: { request: r.request, response: r.response, responseTime: r.responseTime ?? null } }
      },
      options.signal,
    )
  } catch (error) {
    loopError = errorInfo(error)
  }
  const failedIteration = iterations.find((r) => r.status === 'failed')
  const status = loopError || (failedIteration && step.stopOnFailure !== false) ? 'failed' : 'passed'
  return {
    index,
    id: iterations[0]?.id ?? 0,
    name: step.name ?? describeAction(step.action ?? (loop.spec.action as Action | undefined)),
    status,
    ...(failedIteration && status === 'passed' ? { warned: true } : {}),
    startedAt: started,
    durationMs: Date.now() - started,
    ...(loopError ? { error: loopError } : failedIteration?.error ? { error: failedIteration.error } : {}),
    extracts: [],
    blocks: [],
    traffic: iterations.flatMap((r) => r.traffic),
    consoleLogs: iterations.flatMap((r) => r.consoleLogs),
    iterations,
  }
}

async function runOnce(env: StepEnvironment, step: Step, index: number, vars: Record<string, unknown>, state: TestState, options: RunStepsOptions, suffix: string): Promise<StepResult> {
  const action = step.action
  const id = env.nextStepId()
  const started = Date.now()
  const t0 = performance.now()
  await env.ledger.beginStep(id)
  const windowStart = action?.type === 'wait' ? Math.min(state.lastNonWaitId || id, id) : id
  if (action?.type !== 'wait') state.lastNonWaitId = id
  const inWindow = (s: number) => s >= windowStart && s <= id

  const base = { index, id, action: action?.type, startedAt: started }
  let name = (step.name ?? interpolateString(describeAction(action), vars, { onMissing: 'keep' })) + suffix
  let self: SelfDocument = EMPTY_SELF
  let error: ErrorInfo | undefined
  try {
    if (step.name !== undefined) name = interpolateString(step.name, vars, { onMissing: 'throw' }) + suffix
    if (step.description !== undefined) interpolateString(step.description, vars, { onMissing: 'throw' })
    options.onEvent?.({ type: 'step-start', index, name })
    if (!action) throw new DokkimiError('STEP_FAILED', 'step has no action')
    self = await runAction(env, action, vars, options.signal)
  } catch (e) {
    error = errorInfo(e)
  }

  if (!error) {
    const method = action?.type === 'httpRequest' && !loopOf(action as Record<string, unknown>) ? (self.request as { method?: string }).method : undefined
    await env.ledger.catchUp(method ? (r) => r.step === id && r.origin === 'test' && r.method === method : undefined)
  }

  const buildRoot = (): RootContext => {
    const traffic = env.ledger.traffic(inWindow)
    const consoleLogs = env.ledger.console(inWindow)
    return { ...self, variables: vars, traffic, consoleLogs, dbLogs: [], messageLogs: [], timeline: timeline(traffic, consoleLogs) }
  }
  const settle = async (): Promise<RootContext> => {
    await env.ledger.settle(env.settleOptions)
    return buildRoot()
  }

  let extracts: AssertionResult[] = []
  const blocks: BlockResult[] = []
  if (!error) {
    try {
      if (step.extract) {
        extracts = runExtract(step.extract, buildRoot(), vars)
        // F-130/F-184: a missing path may still arrive (async traffic); settle once and retry.
        if (extracts.some((r) => !r.passed)) {
          const root = await settle()
          extracts = runExtract(step.extract, root, vars)
        }
      }
      for (const [blockIndex, block] of (step.assertions ?? []).entries()) blocks.push(await assert(block, { root: buildRoot(), blockIndex, settle }))
    } catch (e) {
      error = errorInfo(e)
    }
  }
  const assertionsFailed = extracts.some((r) => !r.passed) || blocks.some((b) => !b.passed)
  const status = error ? 'failed' : assertionsFailed && step.stopOnFailure !== false ? 'failed' : 'passed'
  // A failed step's report shows its whole traffic, async tails included.
  if (status === 'failed' || assertionsFailed) await env.ledger.settle({ ...env.settleOptions, deadlineMs: Math.min(env.settleOptions.deadlineMs ?? 5_000, 2_000) }).catch(() => false)
  const root = buildRoot()
  return {
    ...base,
    name,
    status,
    ...(assertionsFailed && status === 'passed' ? { warned: true } : {}),
    durationMs: Math.round(performance.now() - t0),
    request: self.request,
    response: self.response,
    responseTime: self.responseTime,
    ...(error ? { error } : {}),
    extracts,
    blocks,
    traffic: root.traffic,
    consoleLogs: root.consoleLogs,
  }
}

async function runAction(env: StepEnvironment, action: Action, vars: Record<string, unknown>, signal: AbortSignal | undefined): Promise<SelfDocument> {
  const loop = loopOf(action as Record<string, unknown>)
  if (loop && action.type !== 'parallel' && action.type !== 'ui') {
    // Action-level loop (F-207): only the action repeats; the self document is the last response.
    let last: SelfDocument = EMPTY_SELF
    await runLoop(
      loop.kind,
      loop.spec,
      vars,
      async () => {
        last = await runSingle(env, action, vars, signal)
        return { failed: false, self: last }
      },
      signal,
    )
    return last
  }
  return runSingle(env, action, vars, signal)
}

async function runSingle(env: StepEnvironment, action: Action, vars: Record<string, unknown>, signal: AbortSignal | undefined): Promise<SelfDocument> {
  switch (action.type) {
    case 'httpRequest':
      return runHttp(action as HttpAction, vars, env.http, signal)
    case 'dbQuery': {
      const query = interpolateString(action.query, vars, { onMissing: 'throw' })
      const params = interpolateValue(action.params, vars, { onMissing: 'throw' }) as Record<string, unknown> | undefined
      const client = await env.database(action.database)
      const t0 = performance.now()
      const response = await client.query(query, params, { timeoutMs: action.timeout ?? DB_TIMEOUT_MS })
      return { request: { database: action.database, query }, response, responseTime: Math.round(performance.now() - t0) }
    }
    case 'wait':
      await sleep(action.durationMs, undefined, signal ? { signal } : undefined)
      return EMPTY_SELF
    case 'parallel':
      // F-147: every sub-action runs concurrently; the first error fails the step.
      await Promise.all(action.actions.map((a) => runAction(env, a as Action, vars, signal)))
      return EMPTY_SELF
    case 'ui':
      throw new DokkimiError('STEP_UNSUPPORTED_ACTION', `ui steps (browser) are not supported yet: target "${action.target}"`, { details: { action: 'ui' } })
  }
}

/** `$.timeline` (F-248): the window's traffic and console lines in time order, with back-links. */
function timeline(traffic: RootContext['traffic'], consoleLogs: RootContext['consoleLogs']): unknown[] {
  const events: Array<{ at: number; order: number; event: Record<string, unknown>; link?: { entry: number; field: 'requestTimelineIndex' | 'responseTimelineIndex' } }> = []
  traffic.forEach((t, i) => {
    const at = t.timestamp
    events.push({ at, order: 0, event: { type: 'httpRequest', timestamp: at, trafficIndex: i, direction: 'request', from: t.from, to: t.to, method: t.request.method, url: t.request.url }, link: { entry: i, field: 'requestTimelineIndex' } })
    if (t.response)
      events.push({
        at: at + (t.responseTime ?? 0) / 1000,
        order: 2,
        event: { type: 'httpResponse', timestamp: at + (t.responseTime ?? 0) / 1000, trafficIndex: i, direction: 'response', from: t.to, to: t.from, status: t.response.status },
        link: { entry: i, field: 'responseTimelineIndex' },
      })
  })
  for (const l of consoleLogs) events.push({ at: l.timestamp, order: 1, event: { type: 'consoleLog', timestamp: l.timestamp, service: l.service, level: l.level, message: l.message } })
  events.sort((a, b) => a.at - b.at || a.order - b.order)
  return events.map((e, index) => {
    if (e.link) traffic[e.link.entry]![e.link.field] = index
    return e.event
  })
}

function describeAction(action: unknown): string {
  const a = action as { type?: string; method?: string; url?: string; database?: string; durationMs?: number } | undefined
  switch (a?.type) {
    case 'httpRequest':
      return `${a.method?.toUpperCase()} ${a.url}`
    case 'dbQuery':
      return `query ${a.database}`
    case 'wait':
      return `wait ${a.durationMs} ms`
    case 'parallel':
      return 'parallel'
    default:
      return a?.type ?? 'step'
  }
}

export function errorInfo(error: unknown): ErrorInfo {
  if (isDokkimiError(error)) return { code: error.code, message: error.message }
  if (error instanceof Error && error.name === 'AbortError') return { code: 'STEP_TIMEOUT', message: 'the step was interrupted (timeout or cancellation)' }
  return { code: 'STEP_FAILED', message: error instanceof Error ? error.message : String(error) }
}
