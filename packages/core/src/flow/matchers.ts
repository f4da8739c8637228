// Framework-neutral async matchers over a FlowEnvironment, for vitest's and jest's
// `expect.extend(dokkimiMatchers)`. Each settles the traffic before deciding, so an absence is
// only reported once the environment went quiet; failure text comes from core's report formatter.
import type { ConsoleLogEntry, TrafficEntry } from '../assert/types.js'
import { DokkimiError } from '../errors.js'
import { formatCall, formatClosestCalls, formatMatchedCalls, formatTimeline } from '../report/format-failures.js'
import { showValue, truncate } from '../report/style.js'
import { closestCalls, compileQuery, selectCalls, type CallQuery, type CompiledQuery } from './_call-query.js'
import { FlowEnvironment } from './flow-environment.js'

/** The matcher signatures; adapters merge them into their framework's `Assertion`/`Matchers` type. */
export interface DokkimiMatchers<R = unknown> {
  /** Some call of the current step window matches `query` (waits for quiet traffic first). */
  toHaveCalled(query?: CallQuery): Promise<R>
  /** Exactly `times` calls of the current step window match `query`. */
  toHaveCalledTimes(query: CallQuery, times: number): Promise<R>
  /** `item` logged a line containing `pattern` (string) or matching it (RegExp) in the current step window. */
  toHaveLogged(item: string, pattern: string | RegExp): Promise<R>
  /** Some item logged a matching line in the current step window. */
  toHaveLogged(pattern: string | RegExp): Promise<R>
}

/** The `this` the frameworks give a matcher (only `isNot` is read). */
export interface MatcherState {
  isNot?: boolean
}

export interface MatcherResult {
  pass: boolean
  message: () => string
}

const MAX_LOG_LINES = 5

async function toHaveCalled(this: MatcherState, received: unknown, query: CallQuery = {}): Promise<MatcherResult> {
  const compiled = compileQuery(query)
  const { matched, window } = await inspect(received, compiled, 'toHaveCalled')
  const pass = matched.length > 0
  return {
    pass,
    message: () =>
      pass
        ? lines(`expected no call matching ${compiled.description}, found ${count(matched.length)}`, formatMatchedCalls(matched))
        : lines(`expected a call matching ${compiled.description}, found none among ${count(window.length)} captured in this step`, closestSection(window, compiled), trafficSection(window)),
  }
}

async function toHaveCalledTimes(this: MatcherState, received: unknown, query: CallQuery, times: number): Promise<MatcherResult> {
  if (!Number.isInteger(times) || times < 0) throw new DokkimiError('FLOW_INVALID_ARGUMENT', `[dokkimi] toHaveCalledTimes needs a whole number of calls, got ${showValue(times)}. Write e.g. toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 1).`)
  const compiled = compileQuery(query)
  const { matched, window } = await inspect(received, compiled, 'toHaveCalledTimes')
  const pass = matched.length === times
  return {
    pass,
    message: () =>
      pass
        ? lines(`expected other than ${count(times)} matching ${compiled.description}, found ${matched.length}`, formatMatchedCalls(matched))
        : lines(`expected ${count(times)} matching ${compiled.description}, found ${matched.length}`, formatMatchedCalls(matched), matched.length < times ? closestSection(window, compiled) : []),
  }
}

async function toHaveLogged(this: MatcherState, received: unknown, itemOrPattern: string | RegExp, maybePattern?: string | RegExp): Promise<MatcherResult> {
  const env = environment(received, 'toHaveLogged')
  const [item, pattern] = maybePattern === undefined ? [undefined, itemOrPattern] : [itemOrPattern as string, maybePattern]
  if (typeof pattern !== 'string' && !(pattern instanceof RegExp)) throw new DokkimiError('FLOW_INVALID_ARGUMENT', `[dokkimi] toHaveLogged needs a string or a RegExp, got ${showValue(pattern)}. Write e.g. toHaveLogged('order-service', /order \\d+ paid/).`)
  const logs = await env.consoleLogs(item)
  const test = typeof pattern === 'string' ? (l: ConsoleLogEntry) => l.message.includes(pattern) : (l: ConsoleLogEntry) => new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).test(l.message)
  const matched = logs.filter(test)
  const pass = matched.length > 0
  const who = item ?? 'any item'
  const what = typeof pattern === 'string' ? showValue(pattern) : String(pattern)
  return {
    pass,
    message: () =>
      pass
        ? lines(`expected ${who} not to log ${what}, found ${matched.length} line${matched.length === 1 ? '' : 's'}`, logSection('matching lines:', matched))
        : lines(`expected ${who} to log ${what}, found none among ${logs.length} console line${logs.length === 1 ? '' : 's'} in this step`, logSection('last lines:', logs)),
  }
}

/** The matchers, for `expect.extend(dokkimiMatchers)` (vitest and jest). */
export const dokkimiMatchers = { toHaveCalled, toHaveCalledTimes, toHaveLogged }

async function inspect(received: unknown, compiled: CompiledQuery, matcher: string): Promise<{ matched: TrafficEntry[]; window: TrafficEntry[] }> {
  const env = environment(received, matcher)
  await env.settle()
  const window = env.traffic.all({ step: 'current' })
  return { matched: selectCalls(window, compiled), window }
}

// Structural, so an environment from another copy of the package is accepted too.
function environment(received: unknown, matcher: string): FlowEnvironment {
  const env = received as Partial<FlowEnvironment> | null
  if (received instanceof FlowEnvironment || (typeof env?.settle === 'function' && typeof env.consoleLogs === 'function' && typeof env.traffic?.all === 'function')) return received as FlowEnvironment
  throw new DokkimiError('FLOW_INVALID_ARGUMENT', `[dokkimi] ${matcher} needs the environment startEnvironment() returned, got ${showValue(received, 60)}. Write \`await expect(env).${matcher}(…)\`.`)
}

function closestSection(window: readonly TrafficEntry[], compiled: CompiledQuery): string[] {
  return formatClosestCalls(closestCalls(window, compiled))
}

function trafficSection(window: readonly TrafficEntry[]): string[] {
  return window.length === 0 ? [] : ['traffic of this step:', ...formatTimeline(window).map((l) => `  ${l}`)]
}

function logSection(title: string, logs: readonly ConsoleLogEntry[]): string[] {
  if (logs.length === 0) return []
  const shown = logs.slice(-MAX_LOG_LINES)
  return [title, ...(logs.length > shown.length ? [`  … ${logs.length - shown.length} earlier`] : []), ...shown.map((l) => `  ${truncate(formatCall(l), 200)}`)]
}

function count(n: number): string {
  return `${n} call${n === 1 ? '' : 's'}`
}

function lines(title: string, ...sections: string[][]): string {
  return [title, ...sections.flat()].join('\n')
}
