import { OPERATORS } from '@dokkimi/resolver'
import { describe, expect, it } from 'vitest'
import { applyOperator } from './apply-operator.js'

const pass = { passed: true }
const no = { passed: false }

describe('operators (F-267..F-278)', () => {
  it('F-267 eq: numbers equal numeric strings, booleans equal "true"/"false" in any case, strings case-sensitive, composites deep-equal', () => {
    expect(applyOperator('eq', 1, '1')).toEqual(pass)
    expect(applyOperator('eq', '201', 201)).toEqual(pass)
    expect(applyOperator('eq', true, 'TRUE')).toEqual(pass)
    expect(applyOperator('eq', 'false', false)).toEqual(pass)
    expect(applyOperator('eq', 'Paid', 'paid')).toEqual(no)
    expect(applyOperator('eq', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual(pass)
    expect(applyOperator('eq', [1, 2], [2, 1])).toEqual(no)
    expect(applyOperator('eq', '', 0)).toEqual(no)
    expect(applyOperator('eq', null, null)).toEqual(pass)
  })

  it('F-268 ne negates eq', () => {
    expect(applyOperator('ne', 500, '500')).toEqual(no)
    expect(applyOperator('ne', 500, 201)).toEqual(pass)
  })

  it('F-269 gt/gte/lt/lte convert numeric strings; non-numeric is an error', () => {
    expect(applyOperator('gt', '10', 9)).toEqual(pass)
    expect(applyOperator('gte', 10, '10')).toEqual(pass)
    expect(applyOperator('lt', 499, 500)).toEqual(pass)
    expect(applyOperator('lte', 501, 500)).toEqual(no)
    expect(applyOperator('gt', 'abc', 1)).toEqual({ passed: false, error: 'cannot compare non-numeric values' })
    expect(applyOperator('lt', true, 1)).toEqual({ passed: false, error: 'cannot compare non-numeric values' })
  })

  it('F-270 contains/notContains dispatch on the actual type', () => {
    expect(applyOperator('contains', 'card_declined', 'declined')).toEqual(pass)
    expect(applyOperator('contains', 'Declined', 'declined')).toEqual(no)
    expect(applyOperator('contains', 'order 42', 42)).toEqual(pass)
    expect(applyOperator('contains', [1, 2, 3], 2)).toEqual(pass)
    expect(applyOperator('contains', [{ id: 1 }], { id: 1 })).toEqual(pass)
    expect(applyOperator('contains', { timeout: 30 }, 'timeout')).toEqual(pass)
    expect(applyOperator('notContains', { timeout: 30 }, 'retries')).toEqual(pass)
    expect(applyOperator('contains', 5, 5)).toEqual({ passed: false, error: 'contains needs a string, array or object, got number' })
    expect(applyOperator('notContains', null, 'x')).toEqual({ passed: false, error: 'contains needs a string, array or object, got null' })
  })

  it('F-251 contains on arrays does not coerce, eq does', () => {
    expect(applyOperator('contains', [1, 2], '1')).toEqual(no)
    expect(applyOperator('eq', [1, 2], ['1', '2'])).toEqual(pass)
  })

  it('F-271 eqIgnoreCase: case-insensitive for two strings, plain deep equality otherwise', () => {
    expect(applyOperator('eqIgnoreCase', 'post', 'POST')).toEqual(pass)
    expect(applyOperator('eqIgnoreCase', 1, '1')).toEqual(no)
    expect(applyOperator('eqIgnoreCase', [1], [1])).toEqual(pass)
  })

  it('F-272 containsIgnoreCase/notContainsIgnoreCase', () => {
    expect(applyOperator('containsIgnoreCase', 'Card DECLINED', 'declined')).toEqual(pass)
    expect(applyOperator('containsIgnoreCase', ['Admin', 'User'], 'admin')).toEqual(pass)
    expect(applyOperator('containsIgnoreCase', { Timeout: 1 }, 'timeout')).toEqual(pass)
    expect(applyOperator('notContainsIgnoreCase', 'Card DECLINED', 'approved')).toEqual(pass)
    expect(applyOperator('containsIgnoreCase', true, 'true')).toEqual({ passed: false, error: 'contains needs a string, array or object, got boolean' })
  })

  it('F-273 matches: unanchored regex on the stringified actual; invalid regex fails with an error', () => {
    expect(applyOperator('matches', 'user@example.com', '^.+@.+$')).toEqual(pass)
    expect(applyOperator('matches', 'abc-123', '\\d+')).toEqual(pass)
    expect(applyOperator('matches', 2498, '^24\\d\\d$')).toEqual(pass)
    expect(applyOperator('matches', 'HELLO', '(?i)hello')).toEqual(pass)
    expect(applyOperator('matches', 'x', '([a-z')).toMatchInlineSnapshot(`
      {
        "error": "invalid regex "([a-z": Unterminated character class",
        "passed": false,
      }
    `)
  })

  it('F-274 exists/notExists: non-null vs missing or null', () => {
    expect(applyOperator('exists', 0, undefined)).toEqual(pass)
    expect(applyOperator('exists', null, undefined)).toEqual(no)
    expect(applyOperator('exists', undefined, undefined)).toEqual(no)
    expect(applyOperator('notExists', undefined, undefined)).toEqual(pass)
    expect(applyOperator('notExists', null, undefined)).toEqual(pass)
    expect(applyOperator('notExists', '', undefined)).toEqual(no)
  })

  it('F-275 in/notIn use eq coercion; the value must be an array', () => {
    expect(applyOperator('in', '201', [200, 201])).toEqual(pass)
    expect(applyOperator('in', 'string', ['string', 'number'])).toEqual(pass)
    expect(applyOperator('notIn', 500, [200, 201])).toEqual(pass)
    expect(applyOperator('in', 1, 1)).toEqual({ passed: false, error: 'operator in needs an array value, got number' })
  })

  it('F-276 isEmpty/notEmpty: null, "", [], {} are empty; numbers and booleans never', () => {
    for (const v of [null, '', [], {}]) expect(applyOperator('isEmpty', v, undefined)).toEqual(pass)
    for (const v of [0, false, ' ', [0], { a: 1 }]) expect(applyOperator('notEmpty', v, undefined)).toEqual(pass)
  })

  it('F-266 a missing actual fails every operator but exists/notExists', () => {
    expect(applyOperator('isEmpty', undefined, undefined)).toEqual({ passed: false, error: 'path not found' })
  })

  it('F-278 every one of the 18 operators is known; anything else is an error', () => {
    for (const op of OPERATORS) expect(applyOperator(op, 'x', ['x']).error ?? '').not.toMatch(/unknown operator/)
    expect(applyOperator('doesNotExist', 1, undefined)).toEqual({ passed: false, error: "unknown operator 'doesNotExist'" })
  })
})
