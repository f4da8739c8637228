import { deepEqual, isPlainObject, looseEqual, stringify, toNumber, typeName } from './_values.js'

export interface OperatorResult {
  passed: boolean
  /** Set when the comparison could not be made (wrong types, invalid regex, unknown operator). */
  error?: string
}

const fail = (error: string): OperatorResult => ({ passed: false, error })
const ok = (passed: boolean): OperatorResult => ({ passed })

/**
 * Applies one of the 18 operators (F-267..F-278) to `actual`; `actual === undefined` means the
 * path was not found (only exists/notExists accept that).
 */
export function applyOperator(operator: string, actual: unknown, expected: unknown): OperatorResult {
  switch (operator) {
    case 'exists':
      return ok(actual !== undefined && actual !== null)
    case 'notExists':
      return ok(actual === undefined || actual === null)
  }
  if (actual === undefined) return fail('path not found')
  switch (operator) {
    case 'eq':
      return ok(looseEqual(actual, expected))
    case 'ne':
      return ok(!looseEqual(actual, expected))
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(operator, actual, expected)
    case 'contains':
      return contains(actual, expected, false)
    case 'notContains':
      return negate(contains(actual, expected, false))
    case 'containsIgnoreCase':
      return contains(actual, expected, true)
    case 'notContainsIgnoreCase':
      return negate(contains(actual, expected, true))
    case 'eqIgnoreCase':
      if (typeof actual === 'string' && typeof expected === 'string') return ok(actual.toLowerCase() === expected.toLowerCase())
      return ok(deepEqual(actual, expected))
    case 'matches':
      return matches(actual, expected)
    case 'in':
      return Array.isArray(expected) ? ok(expected.some((e) => looseEqual(actual, e))) : fail(`operator in needs an array value, got ${typeName(expected)}`)
    case 'notIn':
      return Array.isArray(expected) ? ok(!expected.some((e) => looseEqual(actual, e))) : fail(`operator notIn needs an array value, got ${typeName(expected)}`)
    case 'isEmpty':
      return ok(isEmpty(actual))
    case 'notEmpty':
      return ok(!isEmpty(actual))
    default:
      return fail(`unknown operator '${operator}'`)
  }
}

function negate(r: OperatorResult): OperatorResult {
  return r.error === undefined ? ok(!r.passed) : r
}

function compare(operator: 'gt' | 'gte' | 'lt' | 'lte', actual: unknown, expected: unknown): OperatorResult {
  const a = toNumber(actual)
  const e = toNumber(expected)
  if (a === undefined || e === undefined) return fail('cannot compare non-numeric values')
  if (operator === 'gt') return ok(a > e)
  if (operator === 'gte') return ok(a >= e)
  if (operator === 'lt') return ok(a < e)
  return ok(a <= e)
}

// F-270 / F-272: dispatch on the actual value's type.
function contains(actual: unknown, expected: unknown, ignoreCase: boolean): OperatorResult {
  if (typeof actual === 'string') {
    const needle = stringify(expected)
    return ok(ignoreCase ? actual.toLowerCase().includes(needle.toLowerCase()) : actual.includes(needle))
  }
  if (Array.isArray(actual)) {
    if (!ignoreCase) return ok(actual.some((v) => deepEqual(v, expected)))
    const needle = stringify(expected).toLowerCase()
    return ok(actual.some((v) => stringify(v).toLowerCase() === needle))
  }
  if (isPlainObject(actual)) {
    const key = stringify(expected)
    if (!ignoreCase) return ok(Object.hasOwn(actual, key))
    return ok(Object.keys(actual).some((k) => k.toLowerCase() === key.toLowerCase()))
  }
  return fail(`contains needs a string, array or object, got ${typeName(actual)}`)
}

function matches(actual: unknown, expected: unknown): OperatorResult {
  const pattern = stringify(expected)
  let re: RegExp
  try {
    re = toRegExp(pattern)
  } catch (error) {
    return fail(`invalid regex ${JSON.stringify(pattern)}: ${regexError(error)}`)
  }
  return ok(re.test(stringify(actual)))
}

/**
 * Builds the JS RegExp for a `matches` pattern (unanchored, like RE2). The spec says RE2; JS
 * differs: it also accepts lookaround and backreferences (RE2 rejects them), and it has no inline
 * flag groups, so a leading RE2 `(?i)`, `(?s)`, `(?m)` (or a combination) is turned into JS flags
 * here. `\z`, `\Q…\E` and `[[:alpha:]]` classes are RE2-only and do not work.
 */
export function toRegExp(pattern: string): RegExp {
  const inline = /^\(\?([ims]+)\)/.exec(pattern)
  if (!inline) return new RegExp(pattern)
  return new RegExp(pattern.slice(inline[0].length), [...new Set(inline[1])].join(''))
}

/** The reason a pattern did not compile, without the pattern V8 repeats in its message. */
export function regexError(error: unknown): string {
  return (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === '') return true
  if (Array.isArray(value)) return value.length === 0
  if (isPlainObject(value)) return Object.keys(value).length === 0
  return false
}
