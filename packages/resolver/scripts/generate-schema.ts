// Writes packages/resolver/schema.json from the zod schemas; `--check` fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generateJsonSchema } from '../src/json-schema.js'

const out = fileURLToPath(new URL('../schema.json', import.meta.url))
const text = `${JSON.stringify(generateJsonSchema(), null, 2)}\n`
if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(out, 'utf8')
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('packages/resolver/schema.json is stale: run `pnpm schema` and commit the result.')
    process.exit(1)
  }
  console.log('schema.json is up to date')
} else {
  writeFileSync(out, text)
  console.log(`wrote ${out}`)
}
