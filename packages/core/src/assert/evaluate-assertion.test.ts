import { describe, expect, it } from 'vitest'
import { evaluateAssertion } from './evaluate-assertion.js'
import { assertion, db, http, root } from './_fixtures.js'
import type { RootContext } from './types.js'

function check(input: unknown, ctx: RootContext, vars: Record<string, unknown> = ctx.variables) {
  return evaluateAssertion(assertion(input), ctx, vars)
}

const order = http(201, { id: 'ord_1', items: [{ sku: 'A' }, { sku: 'B' }, { sku: 'C' }], total: 2498, expectedTotal: 2498, config: { timeout: 30, retries: 2 }, name: 'Widget' })

describe('self-document assertions (F-221, F-241, F-242)', () => {
  it('F-221 {path: $.response.status, operator: eq, value: 201} and {path: $.responseTime, operator: lt, value: 500}', () => {
    expect(check({ path: '$.response.status', operator: 'eq', value: 201 }, order)).toMatchObject({ passed: true, kind: 'field', source: 'path $.response.status', actual: 201, expected: 201 })
    expect(check({ path: '$.responseTime', operator: 'lt', value: 500 }, order).passed).toBe(true)
  })

  it('a failing field says what failed, expected vs actual, in one line', () => {
    const r = check({ path: '$.response.status', operator: 'eq', value: 201 }, http(500, {}))
    expect(r.passed).toBe(false)
    expect(r.message).toMatchInlineSnapshot(`"$.response.status: expected eq 201, got 500"`)
  })

  it('F-241 {path: $.response.headers.content-type, operator: contains, value: application/json}', () => {
    expect(check({ path: '$.response.headers.content-type', operator: 'contains', value: 'application/json' }, http(200, {}, { 'content-type': 'application/json; charset=utf-8' })).passed).toBe(true)
  })

  it('F-242 {path: $.response.data[0].status, operator: eq, value: paid}', () => {
    expect(check({ path: '$.response.data[0].status', operator: 'eq', value: 'paid' }, db([{ status: 'paid' }])).passed).toBe(true)
    expect(check({ path: '$.response.data[0].status', operator: 'eq', value: 'paid' }, db([{ status: 'pending' }])).message).toMatchInlineSnapshot(`"$.response.data[0].status: expected eq "paid", got "pending""`)
  })

  it('F-189 {path: $.variables.user.email, operator: exists}', () => {
    const ctx = root({ variables: { user: { email: 'a@x.io' } } })
    expect(check({ path: '$.variables.user.email', operator: 'exists' }, ctx).passed).toBe(true)
    expect(check({ path: '$.variables.user.phone', operator: 'exists' }, ctx).message).toMatchInlineSnapshot(`"$.variables.user.phone: expected exists, path not found"`)
  })
})

describe('sources and transforms (F-260..F-264)', () => {
  it('F-261 {count: $.response.body.items, operator: eq, value: 3}', () => {
    expect(check({ count: '$.response.body.items', operator: 'eq', value: 3 }, order)).toMatchObject({ passed: true, kind: 'count', source: 'count $.response.body.items', actual: 3 })
    expect(check({ count: '$.response.body.name', operator: 'eq', value: 6 }, order).passed).toBe(true)
    const r = check({ count: '$.response.body.items', operator: 'eq', value: 4 }, order)
    expect(r.message).toMatchInlineSnapshot(`"count $.response.body.items: expected eq 4, got 3"`)
    expect(check({ count: '$.response.body.total', operator: 'eq', value: 1 }, order).message).toMatchInlineSnapshot(`"count $.response.body.total: count needs an array or a string, got number"`)
  })

  it('F-262 {type: $.response.body.id, operator: in, value: [string, number]}', () => {
    expect(check({ type: '$.response.body.id', operator: 'in', value: ['string', 'number'] }, order)).toMatchObject({ passed: true, actual: 'string' })
    const types = { s: 'x', n: 1, b: false, a: [], o: {}, z: null }
    expect(Object.keys(types).map((k) => check({ type: `$.response.body.${k}`, operator: 'exists' }, http(200, types)).actual)).toEqual(['string', 'number', 'boolean', 'array', 'object', 'null'])
    expect(check({ type: '$.response.body.config', operator: 'in', value: ['string', 'number'] }, order).message).toMatchInlineSnapshot(`"type $.response.body.config: expected in ["string","number"], got "object""`)
  })

  it('F-263 {keys: $.response.body.config, operator: contains, value: timeout}; values and entries in key order', () => {
    expect(check({ keys: '$.response.body.config', operator: 'contains', value: 'timeout' }, order)).toMatchObject({ passed: true, actual: ['retries', 'timeout'] })
    expect(check({ values: '$.response.body.config', operator: 'eq', value: [2, 30] }, order).passed).toBe(true)
    expect(check({ entries: '$.response.body.config', operator: 'contains', value: { key: 'timeout', value: 30 } }, order).passed).toBe(true)
    expect(check({ keys: '$.response.body.items', operator: 'contains', value: 'x' }, order).message).toMatchInlineSnapshot(`"keys $.response.body.items: keys needs an object, got array"`)
  })

  it('F-264 {path: {from: $.response.body.items, transform: length}, operator: gt, value: 0}', () => {
    expect(check({ path: { from: '$.response.body.items', transform: 'length' }, operator: 'gt', value: 0 }, order)).toMatchObject({ passed: true, kind: 'count', source: 'length $.response.body.items', actual: 3 })
    expect(check({ path: { from: '$.response.body.config', transform: 'keys' }, operator: 'eq', value: ['retries', 'timeout'] }, order).passed).toBe(true)
    expect(check({ path: { from: '$.response.body.items', transform: 'length' }, operator: 'gt', value: 5 }, order).message).toMatchInlineSnapshot(`"length $.response.body.items: expected gt 5, got 3"`)
  })

  it('F-265 {path: $.response.body.total, operator: eq, value: {from: $.response.body.expectedTotal}}', () => {
    expect(check({ path: '$.response.body.total', operator: 'eq', value: { from: '$.response.body.expectedTotal' } }, order)).toMatchObject({ passed: true, expected: 2498 })
    expect(check({ count: '$.response.body.items', operator: 'eq', value: { from: '$.response.body.config', transform: 'length' } }, order).message).toMatchInlineSnapshot(`"count $.response.body.items: value reference '$.response.body.config': length needs an array or a string, got object"`)
    expect(check({ path: '$.response.body.total', operator: 'eq', value: { from: '$.response.body.missing' } }, order).message).toMatchInlineSnapshot(`"$.response.body.total: value reference '$.response.body.missing' not found in document"`)
  })

  it('F-266 a missing path fails with "Path \'<p>\' not found in document" except for exists/notExists', () => {
    expect(check({ path: '$.response.body.nope', operator: 'eq', value: 1 }, order)).toMatchObject({ passed: false, error: "Path '$.response.body.nope' not found in document", message: "Path '$.response.body.nope' not found in document" })
    expect(check({ path: '$.response.body.nope', operator: 'isEmpty' }, order).passed).toBe(false)
    expect(check({ path: '$.response.body.nope', operator: 'notExists' }, order).passed).toBe(true)
  })

  it('F-269 a type error is shown with expected and actual', () => {
    expect(check({ path: '$.response.body.name', operator: 'gt', value: 3 }, order).message).toMatchInlineSnapshot(`"$.response.body.name: expected gt 3, got "Widget" (cannot compare non-numeric values)"`)
  })

  it('F-273 an invalid regex fails with its error', () => {
    expect(check({ path: '$.response.body.name', operator: 'matches', value: '{{pattern}}' }, order, { pattern: '([a-z' }).message).toMatchInlineSnapshot(`"$.response.body.name: expected matches "([a-z", got "Widget" (invalid regex "([a-z": Unterminated character class)"`)
  })

  it('STYLE 15: long values are cut, bodies are never dumped whole', () => {
    const big = http(200, { blob: 'x'.repeat(5000), nested: { a: 'y'.repeat(500) } })
    const r = check({ path: '$.response.body', operator: 'eq', value: { other: 1 } }, big)
    expect(r.message.length).toBeLessThan(220)
    expect(r.message).toMatchInlineSnapshot(`"$.response.body: expected eq {"other":1}, got {"blob":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"`)
  })
})

describe('runtime variables in assertions (F-029, F-030) and disabled (F-232)', () => {
  it('F-029 {{}} in path and value are resolved, value typed', () => {
    const ctx = http(200, { users: { ada: { age: 36 } } })
    expect(check({ path: '$.response.body.users.{{who}}.age', operator: 'eq', value: '{{age}}' }, ctx, { who: 'ada', age: 36 })).toMatchObject({ passed: true, path: '$.response.body.users.ada.age', expected: 36 })
  })

  it('F-030 an undefined variable stays literal in path and value, so the assertion fails on comparison', () => {
    const ctx = http(200, { status: 'done' })
    expect(check({ path: '$.response.body.status', operator: 'eq', value: '{{expected}}' }, ctx, {}).message).toMatchInlineSnapshot(`"$.response.body.status: expected eq "{{expected}}", got "done""`)
    expect(check({ path: '$.response.body.{{field}}', operator: 'exists' }, ctx, {}).message).toMatchInlineSnapshot(`"$.response.body.{{field}}: expected exists, path not found"`)
  })

  it('F-232 disabled: true skips the assertion (operator may be omitted)', () => {
    expect(check({ path: '$.response.status', disabled: true }, http(500, {}))).toMatchObject({ passed: true, skipped: true, message: '$.response.status: skipped (disabled)' })
  })
})
