import { z } from 'zod'
import { definitionSchema } from './schema-definition.js'

/** The JSON Schema of a definition file, generated from the zod schemas (for editor completion). */
export function generateJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(definitionSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7', reused: 'ref' }) as Record<string, unknown>
  return {
    ...schema,
    $id: 'https://dokkimi.dev/schema/definition.json',
    title: 'Dokkimi definition',
    description: 'A runnable Dokkimi definition: items (services, databases, mocks) and tests. Generated from @dokkimi/resolver; do not edit.',
  }
}
