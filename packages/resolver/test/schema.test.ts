import { readFileSync } from 'node:fs'
import { generateJsonSchema } from '@dokkimi/resolver'
import { describe, expect, it } from 'vitest'

describe('schema.json', () => {
  it('is generated from the zod schemas and committed up to date (run `pnpm schema` to refresh)', () => {
    const committed = readFileSync(new URL('../schema.json', import.meta.url), 'utf8')
    expect(committed).toBe(`${JSON.stringify(generateJsonSchema(), null, 2)}\n`)
  })

  it('describes items, steps and assertions for editor completion', () => {
    const text = JSON.stringify(generateJsonSchema())
    for (const word of ['mockTarget', 'healthCheck', 'httpRequest', 'dbQuery', 'notContainsIgnoreCase', 'forEach', 'screenshot', 'initFilePaths'])
      expect(text).toContain(word)
  })
})
