import { isDokkimiError } from '../errors.js'
import { describe, expect, it } from 'vitest'
import { interpolateString, interpolateValue, lookupVariable, renderValue } from './interpolate.js'
import { VariableError } from './variable-error.js'

const keep = { onMissing: 'keep' } as const
const strict = { onMissing: 'throw' } as const

describe('runtime {{var}} syntax (F-025)', () => {
  const vars = { name: 'Ada', user: { field: 'f', email: 'a@x.io' }, items: [{ field: 'first' }, { field: 'second' }], 'order-id': 7 }

  it('F-025 resolves {{name}}, {{name.field}} and {{name[0].field}}', () => {
    expect(interpolateString('{{name}} / {{user.field}} / {{items[0].field}} / {{items[1].field}}', vars, strict)).toBe('Ada / f / first / second')
  })

  it('F-025 names may contain "-"', () => {
    expect(interpolateString('id={{order-id}}', vars, strict)).toBe('id=7')
  })

  it('F-025 whitespace inside the braces and negative indexes are not references (text stays literal)', () => {
    expect(interpolateString('{{ name }} {{items[-1].field}}', vars, strict)).toBe('{{ name }} {{items[-1].field}}')
  })

  it('F-031 there is no escape syntax and no built-in variable', () => {
    expect(() => interpolateString('{{uuid}}', vars, strict)).toThrowErrorMatchingInlineSnapshot(`[VariableError: variable 'uuid' is not defined]`)
  })
})

describe('runtime lookup (F-026)', () => {
  it('F-026 tries the whole reference as a flat name first (postTitle_0, keys with dots)', () => {
    const vars = { postTitle_0: 'Hello', 'a.b': 'flat', a: { b: 'nested' } }
    expect(interpolateString('{{postTitle_0}}', vars, strict)).toBe('Hello')
    expect(interpolateString('{{a.b}}', vars, strict)).toBe('flat')
    expect(lookupVariable({ a: { b: 'nested' } }, 'a.b')).toEqual({ found: true, value: 'nested' })
  })

  it('F-026 falls back to case-insensitive keys inside values', () => {
    expect(interpolateString('{{user.Email}}', { user: { email: 'a@x.io' } }, strict)).toBe('a@x.io')
  })

  it('F-026 a missing variable is "variable \'<x>\' is not defined", a DokkimiError with code STEP_VARIABLE_UNDEFINED', () => {
    let error: unknown
    try {
      interpolateString('GET {{user.id}}', { user: {} }, strict)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(VariableError)
    expect(isDokkimiError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'STEP_VARIABLE_UNDEFINED', variable: 'user.id', message: "variable 'user.id' is not defined" })
  })

  it('F-026 null is a defined value; a missing key is not', () => {
    expect(lookupVariable({ x: null }, 'x')).toEqual({ found: true, value: null })
    expect(lookupVariable({ x: { y: 1 } }, 'x.z')).toEqual({ found: false })
  })
})

describe('typed substitution (F-027)', () => {
  const vars = { tool: { args: { q: 'x', limit: 5 } }, n: 5, ok: true, none: null, list: [1, 2], name: 'Ada' }

  it("F-027 body: {args: '{{tool.args}}'} sends an object", () => {
    expect(interpolateValue({ args: '{{tool.args}}' }, vars, strict)).toEqual({ args: { q: 'x', limit: 5 } })
  })

  it('F-027 a lone reference keeps number, boolean, null, object and array types', () => {
    expect(interpolateValue(['{{n}}', '{{ok}}', '{{none}}', '{{list}}'], vars, strict)).toEqual([5, true, null, [1, 2]])
  })

  it('F-027 strings with other text are string-interpolated; object keys always are', () => {
    expect(interpolateValue({ 'k_{{name}}': 'n={{n}}', nested: [{ '{{n}}': '{{ok}}' }] }, vars, strict)).toEqual({ k_Ada: 'n=5', nested: [{ 5: true }] })
  })

  it('F-207 action-level loop body {name: "user-{{i}}"} is interpolated per iteration', () => {
    expect(interpolateValue({ name: 'user-{{i}}' }, { i: 3 }, strict)).toEqual({ name: 'user-3' })
  })

  it('F-205 a test name "Order {{order.id}}" renders the loop item', () => {
    expect(interpolateString('Order {{order.id}}', { order: { id: 'ORD-1' } }, strict)).toBe('Order ORD-1')
  })

  it("F-205 forEach items '{{orders}}' resolves to the typed array", () => {
    expect(interpolateValue('{{orders}}', { orders: [{ id: 1 }] }, strict)).toEqual([{ id: 1 }])
  })
})

describe('rendering values into strings (F-028)', () => {
  it('F-028 integers without decimals, shortest floats, booleans, null as empty, compact JSON', () => {
    expect([5, 5.0, 2.5, 0.1 + 0.2, -3, 1e21, true, false, null].map(renderValue)).toEqual(['5', '5', '2.5', '0.30000000000000004', '-3', '1000000000000000000000', 'true', 'false', ''])
    expect(renderValue({ a: [1, 'x'], b: null })).toBe('{"a":[1,"x"],"b":null}')
    expect(interpolateString('total={{t}} items={{i}}', { t: 10, i: [1, 2] }, strict)).toBe('total=10 items=[1,2]')
  })

  it('F-188 a definition variable (connection string) renders into a query', () => {
    const vars = { pgConnStr: 'postgresql://dokkimi:dokkimi@postgres-db:5432/dokkimi' }
    expect(interpolateString('{{pgConnStr}}?sslmode=disable', vars, strict)).toBe('postgresql://dokkimi:dokkimi@postgres-db:5432/dokkimi?sslmode=disable')
  })
})

describe('undefined runtime variables (F-030) and pass rules (F-024)', () => {
  it("F-030 'throw' fails immediately (actions, step names)", () => {
    expect(() => interpolateValue({ url: 'api/users/{{userId}}' }, {}, strict)).toThrowErrorMatchingInlineSnapshot(`[VariableError: variable 'userId' is not defined]`)
  })

  it("F-030 'keep' leaves the template literal (assertion paths, values, where values)", () => {
    expect(interpolateString('$.variables.{{missing}}.x', {}, keep)).toBe('$.variables.{{missing}}.x')
    expect(interpolateValue({ v: '{{missing}}', w: 'a {{missing}} b' }, {}, keep)).toEqual({ v: '{{missing}}', w: 'a {{missing}} b' })
  })

  it('keys such as __proto__ stay plain data (no prototype change)', () => {
    const out = interpolateValue(JSON.parse('{"__proto__": {"polluted": "{{x}}"}}'), { x: 1 }, strict) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('F-024 substituted text is not re-scanned', () => {
    expect(interpolateString('{{a}}', { a: '{{b}}', b: 'no' }, strict)).toBe('{{b}}')
  })
})
