// Call queries of the flow API (`env.traffic.calls()`, the matchers): each field of the query is a
// condition on a captured call, reported like a `where` condition when it fails.
import { OPERATORS } from '@dokkimi/resolver'
import { dice } from '../assert/closest.js'
import type { ClosestCall, TrafficEntry } from '../assert/types.js'
import { applyOperator } from '../assert/apply-operator.js'
import { candidateValue } from '../assert/_where.js'
import { isPlainObject, looseEqual } from '../assert/_values.js'
import { DokkimiError } from '../errors.js'
import { showValue } from '../report/style.js'

/** Which captured calls to select; every given field must hold. */
export interface CallQuery {
  /** The item that made the call (`test` for calls of the test itself). */
  origin?: string
  /** HTTP method, any case. */
  method?: string
  /**
   * `host/path` (scheme optional and not compared, `*` = one segment, a trailing `*` = anything,
   * query parameters compared only when given), or a RegExp tested against the full URL.
   */
  url?: string | RegExp
  /** Response status. */
  status?: number
  /** `$$`-paths (the `$$.` may be left out) → a value (`eq`), `{ operator, value }`, or `{ <operator>: value, … }`. */
  where?: Record<string, unknown>
  /** Deep partial match on the request body: listed keys only, arrays element-wise with the same length. */
  body?: unknown
}

type Difference = ClosestCall['differences'][number]

interface Condition {
  /** The differences that make `entry` fail this condition; empty when it holds. */
  check(entry: TrafficEntry): Difference[]
}

export interface CompiledQuery {
  query: CallQuery
  conditions: Condition[]
  /** `origin payment-service, method POST, url api.stripe.com/v1/charges` */
  description: string
}

const KEYS = new Set(['origin', 'method', 'url', 'status', 'where', 'body'])
const OPERATOR_SET = new Set<string>(OPERATORS)
const NO_VALUE = new Set(['exists', 'notExists', 'isEmpty', 'notEmpty'])

/** Checks a query's shape and turns it into conditions. */
export function compileQuery(query: CallQuery = {}): CompiledQuery {
  if (!isPlainObject(query as unknown)) throw invalid(`a call query must be an object, got ${showValue(query)}`, 'Pass e.g. { url: "api.stripe.com/v1/charges" }.')
  const unknown = Object.keys(query).filter((k) => !KEYS.has(k))
  if (unknown.length > 0) throw invalid(`unknown call query field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`, 'A call query takes origin, method, url, status, where and body.')
  const conditions: Condition[] = []
  if (query.origin !== undefined) conditions.push(equals('$$.origin', query.origin))
  if (query.method !== undefined) {
    const method = String(query.method).toUpperCase()
    conditions.push(field('$$.request.method', 'eq', method, (a) => typeof a === 'string' && a.toUpperCase() === method))
  }
  if (query.url !== undefined) conditions.push(urlCondition(query.url))
  if (query.status !== undefined) conditions.push(equals('$$.response.status', query.status))
  for (const [key, spec] of Object.entries(query.where ?? {})) conditions.push(...whereConditions(key, spec))
  if (query.body !== undefined) conditions.push(bodyCondition(query.body))
  return { query, conditions, description: describeQuery(query) }
}

/** The calls that satisfy every condition, in capture order. */
export function selectCalls(entries: readonly TrafficEntry[], compiled: CompiledQuery): TrafficEntry[] {
  return entries.filter((e) => compiled.conditions.every((c) => c.check(e).length === 0))
}

/** The non-matching calls closest to the query (most conditions held, then the latest first failure, then most similar strings), with what differs. */
export function closestCalls(entries: readonly TrafficEntry[], compiled: CompiledQuery, limit = 3): ClosestCall[] {
  const ranked = entries.map((entry, order) => {
    const failing = compiled.conditions.map((c) => c.check(entry))
    const differences = failing.flat()
    const satisfied = failing.filter((d) => d.length === 0).length
    // Query fields read from identity (origin, method, url) to detail (where, body): failing later is closer.
    const firstFailing = failing.findIndex((d) => d.length > 0)
    const similarity = differences.reduce((sum, d) => sum + (typeof d.expected === 'string' && typeof d.actual === 'string' ? dice(d.expected, d.actual) : 0), 0)
    return { entry, differences, satisfied, firstFailing, similarity, order }
  })
  return ranked
    .filter((r) => r.differences.length > 0)
    .sort((a, b) => b.satisfied - a.satisfied || b.firstFailing - a.firstFailing || b.similarity - a.similarity || a.order - b.order)
    .slice(0, limit)
    .map(({ entry, differences }) => ({ entry, differences }))
}

/** The query as one short phrase. */
export function describeQuery(query: CallQuery): string {
  const parts: string[] = []
  if (query.origin !== undefined) parts.push(`origin ${query.origin}`)
  if (query.method !== undefined) parts.push(`method ${String(query.method).toUpperCase()}`)
  if (query.url !== undefined) parts.push(`url ${query.url instanceof RegExp ? String(query.url) : query.url}`)
  if (query.status !== undefined) parts.push(`status ${query.status}`)
  for (const [k, v] of Object.entries(query.where ?? {})) parts.push(`${k.replace(/^\$\$\./, '')} ${isPlainObject(v) ? showValue(v, 60) : showValue(v, 60)}`)
  if (query.body !== undefined) parts.push(`body ${showValue(query.body, 80)}`)
  return parts.length === 0 ? 'any call' : parts.join(', ')
}

function field(path: string, operator: string, expected: unknown, holds: (actual: unknown) => boolean): Condition {
  return {
    check(entry) {
      const actual = candidateValue(path, entry)
      return holds(actual) ? [] : [{ path, operator, expected, actual }]
    },
  }
}

function equals(path: string, expected: unknown): Condition {
  return field(path, 'eq', expected, (a) => a !== undefined && looseEqual(a, expected))
}

function urlCondition(url: string | RegExp): Condition {
  if (url instanceof RegExp) {
    const re = new RegExp(url.source, url.flags.replace(/[gy]/g, ''))
    return field('$$.request.url', 'matches', url, (a) => typeof a === 'string' && re.test(a))
  }
  if (typeof url !== 'string' || url === '') throw invalid(`url must be a non-empty string or a RegExp, got ${showValue(url)}`, 'Write e.g. "api.stripe.com/v1/charges" or /stripe\\.com\\/v1\\//.')
  const test = urlPattern(url)
  return field('$$.request.url', 'matches', url, (a) => typeof a === 'string' && test(a))
}

/** `host[:port][/path][?query]` with `*` wildcards → a test of a full URL. */
export function urlPattern(pattern: string): (url: string) => boolean {
  const rest = pattern.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
  const q = rest.indexOf('?')
  const beforeQuery = q < 0 ? rest : rest.slice(0, q)
  const query = q < 0 ? undefined : new URLSearchParams(rest.slice(q + 1))
  const slash = beforeQuery.indexOf('/')
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash)
  const path = slash < 0 ? undefined : beforeQuery.slice(slash)
  const [host = '', port] = authority.split(':')
  const hostRe = new RegExp(`^${glob(host.toLowerCase(), '[^.]+', '.*')}$`)
  const pathRe = path === undefined ? undefined : new RegExp(`^${glob(path, '[^/]*', '.*')}$`)
  return (raw) => {
    let u: URL
    try {
      u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`)
    } catch {
      return false
    }
    if (!hostRe.test(u.hostname.toLowerCase())) return false
    // Captured URLs carry a port only when it is not the scheme's default one.
    if (port !== undefined && port !== '*' && u.port !== '' && u.port !== port) return false
    if (pathRe && !pathRe.test(u.pathname)) return false
    if (query) for (const [k, v] of query) if (!u.searchParams.getAll(k).some((x) => new RegExp(`^${glob(v, '.*', '.*')}$`).test(x))) return false
    return true
  }
}

// `*` → `one`; a trailing `*` → `tail`; everything else literal.
function glob(text: string, one: string, tail: string): string {
  const parts = text.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return parts.map((p, i) => (i === 0 ? p : `${i === parts.length - 1 && p === '' ? tail : one}${p}`)).join('')
}

function whereConditions(key: string, spec: unknown): Condition[] {
  const path = key === '$$' || key.startsWith('$$.') || key.startsWith('$$[') ? key : `$$.${key.replace(/^\./, '')}`
  const op = (operator: string, expected: unknown): Condition => {
    if (!OPERATOR_SET.has(operator)) throw invalid(`unknown operator "${operator}" in where["${key}"]`, `Operators: ${OPERATORS.join(', ')}.`)
    return field(path, operator, NO_VALUE.has(operator) ? undefined : expected, (a) => applyOperator(operator, a, expected).passed)
  }
  if (spec instanceof RegExp) return [field(path, 'matches', spec, (a) => typeof a === 'string' && spec.test(a))]
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec)
    if (typeof spec.operator === 'string' && keys.every((k) => k === 'operator' || k === 'value')) return [op(spec.operator, spec.value)]
    if (keys.length > 0 && keys.every((k) => OPERATOR_SET.has(k))) return keys.map((k) => op(k, spec[k]))
  }
  return [op('eq', spec)]
}

function bodyCondition(expected: unknown): Condition {
  return {
    check(entry) {
      const out: Difference[] = []
      partial(expected, entry.request.body, '$$.request.body', out)
      return out.slice(0, 3)
    },
  }
}

// Objects: listed keys recursively; arrays: same length, element-wise; RegExp: tested; others: `eq`.
function partial(expected: unknown, actual: unknown, path: string, out: Difference[]): void {
  if (expected instanceof RegExp) {
    if (!(typeof actual === 'string' && expected.test(actual))) out.push({ path, operator: 'matches', expected, actual })
    return
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return void out.push({ path, operator: 'includes', expected, actual: shape(actual) })
    for (const [k, v] of Object.entries(expected)) partial(v, actual[k], `${path}.${k}`, out)
    return
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return void out.push({ path, operator: 'includes', expected, actual: shape(actual) })
    expected.forEach((v, i) => partial(v, actual[i], `${path}[${i}]`, out))
    return
  }
  if (actual === undefined || !looseEqual(actual, expected)) out.push({ path, operator: 'eq', expected, actual })
}

// What a mismatching container is, without its content (bodies stay out of messages).
function shape(value: unknown): string {
  if (Array.isArray(value)) return `<array of ${value.length}>`
  if (value === null || value === undefined) return `<${String(value)}>`
  return `<${typeof value}>`
}

function invalid(message: string, hint: string): DokkimiError {
  return new DokkimiError('FLOW_INVALID_ARGUMENT', `[dokkimi] ${message}. ${hint}`)
}
