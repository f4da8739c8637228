import { loadDefinitions, resolveDefinitionOrThrow } from '@dokkimi/core'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { DokkimiError, isDokkimiError } from './errors.js'

describe('error family', () => {
  it('recognises its own errors and the resolver error by brand', () => {
    expect(isDokkimiError(new DokkimiError('STEP_FAILED', 'x'))).toBe(true)
    expect(isDokkimiError(new Error('x'))).toBe(false)
    const root = testdir({ '.dokkimi/d.yaml': 'name: d\nitems: [{type: DATABASE, name: db, database: oracle}]\n' })
    let caught: unknown
    try {
      resolveDefinitionOrThrow(`${root}/.dokkimi/d.yaml`)
    } catch (error) {
      caught = error
    }
    expect(isDokkimiError(caught)).toBe(true)
    expect((caught as { code: string }).code).toBe('RESOLVER_INVALID_DEFINITION')
  })

  it('re-exports loadDefinitions from the resolver', () => {
    const root = testdir({ '.dokkimi/d.yaml': 'name: d\nitems: [{type: DATABASE, name: db, database: redis}]\n' })
    expect(loadDefinitions(root).definitions.map((d) => d.name)).toEqual(['d'])
  })
})
