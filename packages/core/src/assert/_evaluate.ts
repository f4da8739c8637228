import type { Assertion } from '@dokkimi/resolver'
import { interpolateString, interpolateValue } from '../variables/interpolate.js'
import { applyOperator } from './apply-operator.js'
import { describeEntry } from './closest.js'
import { resolvePath } from './resolve-path.js'
import type { AssertionResult, ClosestCall, LogEntry } from './types.js'
import { resolveValueRef, transform, type SourceKind } from './_transform.js'
import { isLogPath } from './_where.js'
import { show } from './_values.js'

/** The match a block (or loop iteration) pushed, for `$.match…` reads after zero matches (F-228). */
export interface MatchScope {
  path: string
  /** `{path: $.traffic, where: [...]}` */
  description: string
  /** `call` for $.traffic, `entry` elsewhere. */
  noun: string
  /** The match reads a log source (can still grow until traffic is quiet). */
  log: boolean
  count: number
  closest: ClosestCall[]
  /** Number of candidate entries the match filtered. */
  candidates: number
  /** The entries the match selected. */
  entries: LogEntry[]
}

export interface Scope {
  /** Root document: the root context, `variables` = `vars`, plus any `$.match*` pushed. */
  doc: Record<string, unknown>
  vars: Record<string, unknown>
  blockIndex: number
  match?: MatchScope
  iteration?: { loop: string; index: number }
  /** Message prefix inside a block loop, e.g. `[user #1] `. */
  prefix?: string
}

/** A result plus what the quiescence rule needs: does it read logs, and is it an absence-style check. */
export interface Evaluated {
  result: AssertionResult
  log: boolean
  absence: boolean
}

const NO_VALUE = new Set(['exists', 'notExists', 'isEmpty', 'notEmpty'])
// Checks that a late log record can turn from passing to failing.
const ABSENCE_OPERATORS = new Set(['notExists', 'notContains', 'notContainsIgnoreCase', 'notIn', 'ne', 'isEmpty', 'lt', 'lte'])
const MATCH_READ = /^\$\.(match|lastMatch)(\.|\[|$)/
const MATCHES_READ = /^\$\.matches(\.|\[|$)/

/** Builds a result with the scope's block index, iteration and message prefix. */
export function makeResult(scope: Scope, fields: Omit<AssertionResult, 'blockIndex'>): AssertionResult {
  const result: AssertionResult = { ...fields, blockIndex: scope.blockIndex }
  if (scope.iteration) result.iteration = scope.iteration
  if (scope.prefix) result.message = scope.prefix + result.message
  return result
}

/** `; closest: POST http://… from x (differs in origin, request.url)` or why there is none. */
export function closestSuffix(match: MatchScope): string {
  const best = match.closest[0]
  if (!best) return match.candidates === 0 ? `; ${match.path} is empty in this step` : ''
  const paths = [...new Set(best.differences.map((d) => d.path.replace(/^\$\$\./, '')))]
  return `; closest: ${describeEntry(best.entry)}${paths.length > 0 ? ` (differs in ${paths.join(', ')})` : ''}`
}

function sourceOf(a: Assertion): { kind: SourceKind; path: string } | undefined {
  if (a.path !== undefined) return typeof a.path === 'string' ? { kind: 'path', path: a.path } : { kind: a.path.transform, path: a.path.from }
  for (const kind of ['count', 'type', 'keys', 'values', 'entries'] as const) {
    const p = a[kind]
    if (p !== undefined) return { kind, path: p }
  }
  return undefined
}

/** Evaluates one assertion in a scope (F-260..F-278, F-228, F-232). */
export function evaluateIn(a: Assertion, scope: Scope): Evaluated {
  const src = sourceOf(a)
  const operator = a.operator ?? ''
  if (!src) return plain(makeResult(scope, { kind: 'field', passed: false, operator, error: 'assertion has no source', message: 'assertion has no source (path, count, type, keys, values or entries)' }))
  const path = interpolateString(src.path, scope.vars, { onMissing: 'keep' })
  const label = src.kind === 'path' ? path : `${src.kind} ${path}`
  const base = { kind: src.kind === 'count' || src.kind === 'length' ? ('count' as const) : ('field' as const), source: `${src.kind} ${path}`, path, operator }
  if (a.disabled === true) return plain(makeResult(scope, { ...base, passed: true, skipped: true, message: `${label}: skipped (disabled)` }))
  if (operator === '') return plain(makeResult(scope, { ...base, passed: false, error: 'missing operator', message: `${label}: missing operator` }))

  const readsLog = isLogPath(path) || (scope.match?.log === true && (MATCH_READ.test(path) || MATCHES_READ.test(path)))
  const absence = readsLog && !MATCH_READ.test(path) && (ABSENCE_OPERATORS.has(operator) || (base.kind === 'count' && operator === 'eq'))
  const done = (result: Omit<AssertionResult, 'blockIndex'>, isAbsence = absence): Evaluated => ({ result: makeResult(scope, result), log: readsLog, absence: isAbsence })

  let expected = NO_VALUE.has(operator) ? undefined : interpolateValue(a.value, scope.vars, { onMissing: 'keep' })
  const ref = resolveValueRef(expected, scope.doc)
  if (ref?.error) return done({ ...base, passed: false, error: ref.error, message: `${label}: ${ref.error}` })
  if (ref) expected = ref.value
  const withExpected = NO_VALUE.has(operator) ? base : { ...base, expected }
  const wanted = NO_VALUE.has(operator) ? operator : `${operator} ${show(expected)}`

  const match = scope.match
  if (match && match.count === 0 && MATCH_READ.test(path)) {
    const none = `no ${match.noun} matched ${match.description}`
    // Decision "seed absence checks": notExists on $.match… passes when nothing matched (after quiescence).
    if (operator === 'notExists') return done({ ...withExpected, passed: true, message: `${label}: notExists (${none})` }, true)
    return done({ ...withExpected, passed: false, error: none, message: `${label}: ${none}${closestSuffix(match)}`, closest: match.closest })
  }

  const hit = resolvePath(scope.doc, path)
  if (!hit.found) {
    if (operator === 'notExists') return done({ ...withExpected, passed: true, message: `${label}: notExists` })
    if (operator === 'exists') return done({ ...withExpected, passed: false, message: `${label}: expected exists, path not found` })
    const error = `Path '${path}' not found in document`
    return done({ ...withExpected, passed: false, error, message: error })
  }
  const value = transform(src.kind, hit.value)
  if ('error' in value) return done({ ...withExpected, passed: false, error: value.error, message: `${label}: ${value.error}` })
  const actual = value.value
  const outcome = applyOperator(operator, actual, expected)
  const result = { ...withExpected, actual, passed: outcome.passed, ...(outcome.passed ? {} : matchedBy(path, match)) }
  if (outcome.error !== undefined) return done({ ...result, error: outcome.error, message: `${label}: expected ${wanted}, got ${show(actual)} (${outcome.error})` })
  if (outcome.passed) return done({ ...result, message: `${label}: ${wanted}` })
  return done({ ...result, message: `${label}: expected ${wanted}, got ${show(actual)}` })
}

// A failing read of `$.match…`, `$.lastMatch…` or `$.matches…` names the entries it read.
function matchedBy(path: string, match: MatchScope | undefined): { matched?: LogEntry[] } {
  if (!match || match.entries.length === 0) return {}
  if (/^\$\.match(\.|\[|$)/.test(path)) return { matched: [match.entries[0]!] }
  if (/^\$\.lastMatch(\.|\[|$)/.test(path)) return { matched: [match.entries.at(-1)!] }
  return MATCHES_READ.test(path) ? { matched: match.entries } : {}
}

function plain(result: AssertionResult): Evaluated {
  return { result, log: false, absence: false }
}
