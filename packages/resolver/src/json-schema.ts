import { z } from 'zod'
import { definitionSchema } from './schema-definition.js'
import { itemSchema } from './schema-items.js'
import { seedDefinitionSchema } from './schema-seed.js'
import { variablesSchema } from './schema-tests.js'

// A definition file as written, before resolution: items and variables may be `$ref`s with overrides.
const refPaths = z.union([z.string(), z.array(z.string())]).describe('Fragment file(s), relative to this file; later ones and sibling keys override earlier ones (F-040, F-041).')
const itemOrRef = z.union([itemSchema, z.object({ $ref: refPaths }).catchall(z.unknown()).describe('A shared fragment with overrides (F-040).')])
const variablesOrRef = z.union([variablesSchema, z.object({ $ref: refPaths }).catchall(z.unknown())])
const asWritten = { items: z.array(itemOrRef), variables: variablesOrRef.optional() }

/** The JSON Schema of a definition file in either format, generated from the zod schemas (for editors). */
export function generateJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(z.union([definitionSchema.extend(asWritten), seedDefinitionSchema.extend(asWritten)]), {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
    reused: 'ref',
  }) as Record<string, unknown>
  return {
    ...schema,
    $id: 'https://dokkimi.dev/schema/definition.json',
    title: 'Dokkimi definition',
    description: 'A runnable Dokkimi definition (current or seed format): items (services, databases, mocks) and tests. Generated from @dokkimi/resolver; do not edit.',
  }
}
