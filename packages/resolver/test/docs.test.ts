import { readFileSync } from 'node:fs'
import { RULES } from '@dokkimi/resolver'
import { expect, it } from 'vitest'

it('docs/validation.md lists every issue code with its rule and severity', () => {
  const doc = readFileSync(new URL('../../../docs/validation.md', import.meta.url), 'utf8')
  const missing = Object.entries(RULES)
    .filter(([code]) => code !== 'SCHEMA')
    .filter(([code, r]) => !doc.includes(`| \`${code}\` | ${r.rule} | ${r.severity} |`))
    .map(([code]) => code)
  expect(missing).toEqual([])
})
