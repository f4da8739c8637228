import { describe, expect, it } from 'vitest'
import { resolvePath } from './resolve-path.js'

const doc = {
  response: { status: 201, headers: { 'content-type': 'application/json' }, body: { items: [{ id: 1 }, { id: 2 }, { id: 3 }], Total: 3, 'odd key': true, empty: null } },
}

describe('path syntax (F-249)', () => {
  it('F-249 dot keys and [n] indexes', () => {
    expect(resolvePath(doc, '$.response.status')).toEqual({ found: true, value: 201 })
    expect(resolvePath(doc, '$.response.body.items[1].id')).toEqual({ found: true, value: 2 })
  })

  it('F-249 negative [-1] counts from the end', () => {
    expect(resolvePath(doc, '$.response.body.items[-1].id')).toEqual({ found: true, value: 3 })
    expect(resolvePath(doc, '$.response.body.items[-4]')).toEqual({ found: false })
  })

  it('F-249 keys match exactly, then case-insensitively', () => {
    expect(resolvePath(doc, '$.response.body.total')).toEqual({ found: true, value: 3 })
    expect(resolvePath({ a: 1, A: 2 }, '$.A')).toEqual({ found: true, value: 2 })
  })

  it('F-241 header lookups are case-insensitive (names are stored lowercased)', () => {
    expect(resolvePath(doc, '$.response.headers.Content-Type')).toEqual({ found: true, value: 'application/json' })
  })

  it('F-249 keys may hold anything but "." and "["; null is found', () => {
    expect(resolvePath(doc, '$.response.body.odd key')).toEqual({ found: true, value: true })
    expect(resolvePath(doc, '$.response.body.empty')).toEqual({ found: true, value: null })
  })

  it('F-249 no wildcards, filters or .length magic', () => {
    expect(resolvePath(doc, '$.response.body.items.length')).toEqual({ found: false })
    expect(resolvePath(doc, '$.response.body.items[*]')).toEqual({ found: false })
    expect(resolvePath(doc, '$.response.body.items[?(@.id==1)]')).toEqual({ found: false })
    expect(resolvePath(doc, '$..id')).toEqual({ found: false })
    expect(resolvePath(doc, '$.response.body.items.0')).toEqual({ found: false })
  })

  it('F-249 $ is the document; $$. resolves on a where candidate; other text is not a path', () => {
    expect(resolvePath(doc, '$')).toEqual({ found: true, value: doc })
    expect(resolvePath({ origin: 'a' }, '$$.origin')).toEqual({ found: true, value: 'a' })
    expect(resolvePath(doc, 'response.status')).toEqual({ found: false })
    expect(resolvePath(doc, '{{x}}')).toEqual({ found: false })
  })

  it('F-249 indexes on objects and keys on scalars are not found', () => {
    expect(resolvePath(doc, '$.response[0]')).toEqual({ found: false })
    expect(resolvePath(doc, '$.response.status.code')).toEqual({ found: false })
  })
})
