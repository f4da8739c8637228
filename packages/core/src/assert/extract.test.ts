import { describe, expect, it } from 'vitest'
import { runExtract } from './extract.js'
import { db, http, root } from './_fixtures.js'

describe('step extract (F-180..F-184)', () => {
  it("F-180 {orderId: $.response.body.id, token: $.response.headers.x-auth-token, firstRow: $.response.data[0]} keeps JSON types", () => {
    const vars: Record<string, unknown> = {}
    const ctx = http(201, { id: 42 }, { 'x-auth-token': 'tok_1' }, { response: { status: 201, headers: { 'x-auth-token': 'tok_1' }, body: { id: 42 }, data: [{ id: 1, name: 'a' }] } })
    const results = runExtract({ orderId: '$.response.body.id', token: '$.response.headers.x-auth-token', firstRow: '$.response.data[0]' }, ctx, vars)
    expect(vars).toEqual({ orderId: 42, token: 'tok_1', firstRow: { id: 1, name: 'a' } })
    expect(results.map((r) => [r.kind, r.passed, r.blockIndex, r.message])).toMatchInlineSnapshot(`
      [
        [
          "extract",
          true,
          -1,
          "extracted firstRow = {"id":1,"name":"a"}",
        ],
        [
          "extract",
          true,
          -1,
          "extracted orderId = 42",
        ],
        [
          "extract",
          true,
          -1,
          "extracted token = "tok_1"",
        ],
      ]
    `)
  })

  it("F-181 regex extract {path: $.response.body.message, pattern: 'correlation_id=([a-f0-9-]+)'}", () => {
    const vars: Record<string, unknown> = {}
    const ctx = http(200, { message: 'accepted correlation_id=3f2a-9c01 at 12:00', n: 1234 })
    runExtract({ corrId: { path: '$.response.body.message', pattern: 'correlation_id=([a-f0-9-]+)' }, whole: { path: '$.response.body.message', pattern: 'at \\d+', group: 0 }, digits: { path: '$.response.body.n', pattern: '(\\d\\d)$' } }, ctx, vars)
    expect(vars).toEqual({ corrId: '3f2a-9c01', whole: 'at 12', digits: '34' })
  })

  it('F-181 regex extract errors: missing path, no match, group out of range', () => {
    const ctx = http(200, { message: 'no id here' })
    const results = runExtract(
      {
        a: { path: '$.response.body.nope', pattern: '(x)' },
        b: { path: '$.response.body.message', pattern: 'correlation_id=([a-f0-9-]+)' },
        c: { path: '$.response.body.message', pattern: '(no) id', group: 2 },
      },
      ctx,
      {},
    )
    expect(results.map((r) => r.message)).toMatchInlineSnapshot(`
      [
        "Failed to extract variable 'a': path '$.response.body.nope' not found",
        "Failed to extract variable 'b': pattern "correlation_id=([a-f0-9-]+)" did not match "no id here"",
        "Failed to extract variable 'c': group 2 out of range: pattern "(no) id" has 1 group",
      ]
    `)
  })

  it("F-182 transform extract {path: $.response.body.settings, transform: keys} and {from: '{{var}}', transform: entries}", () => {
    const vars: Record<string, unknown> = { prefs: { theme: 'dark', lang: 'en' } }
    runExtract({ settingKeys: { path: '$.response.body.settings', transform: 'keys' }, settingValues: { path: '$.response.body.settings', transform: 'values' }, prefList: { from: '{{prefs}}', transform: 'entries' } }, http(200, { settings: { b: 2, a: 1 } }), vars)
    expect(vars).toMatchObject({ settingKeys: ['a', 'b'], settingValues: [1, 2], prefList: [{ key: 'lang', value: 'en' }, { key: 'theme', value: 'dark' }] })
    const results = runExtract({ x: { from: '{{nope}}', transform: 'keys' }, y: { path: '$.response.body.list', transform: 'keys' } }, http(200, { list: [1] }), {})
    expect(results.map((r) => r.message)).toMatchInlineSnapshot(`
      [
        "Failed to extract variable 'x': variable 'nope' is not defined",
        "Failed to extract variable 'y': transform keys needs an object, got array",
      ]
    `)
  })

  it('F-183 rules run in alphabetical order of variable name and overwrite existing values', () => {
    const vars: Record<string, unknown> = { b: 'old' }
    const results = runExtract({ c: '$.variables.b', b: '$.variables.a', a: '$.response.body.id' }, http(200, { id: 7 }), vars)
    expect(results.map((r) => r.source)).toEqual(['extract a', 'extract b', 'extract c'])
    expect(vars).toEqual({ a: 7, b: 7, c: 7 })
  })

  it("F-184 a missing path fails: Failed to extract variable 'x': path '…' not found", () => {
    const vars: Record<string, unknown> = {}
    const [r] = runExtract({ orderId: '$.response.body.order.id' }, http(500, { error: 'boom' }), vars)
    expect(r).toMatchObject({ kind: 'extract', passed: false, path: '$.response.body.order.id' })
    expect(r!.message).toMatchInlineSnapshot(`"Failed to extract variable 'orderId': path '$.response.body.order.id' not found"`)
    expect(vars).toEqual({})
  })

  it('S-07 seed DB extract $.response.data[0].x', () => {
    const vars: Record<string, unknown> = {}
    runExtract({ status: '$.response.data[0].status' }, db([{ status: 'paid' }]), vars)
    expect(vars).toEqual({ status: 'paid' })
  })

  it('F-190 extract names may hold {{}} and any string after interpolation', () => {
    const vars: Record<string, unknown> = { i: 2 }
    runExtract({ 'title_{{i}}': '$.response.body.t' }, http(200, { t: 'x' }), vars)
    expect(vars.title_2).toBe('x')
    expect(runExtract({ a: '$.variables.i' }, root(), vars)[0]!.blockIndex).toBe(-1)
  })
})
