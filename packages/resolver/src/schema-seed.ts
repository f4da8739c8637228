import { z } from 'zod'
import { definitionSchema } from './schema-definition.js'
import { HTTP_METHODS } from './schema-items.js'
import { actionSchema, assertionBlockSchema } from './schema-tests.js'

// The seed documents' step format (FEATURES.md §2.1). Seed files are validated after they are
// normalised into the current format (_seed.ts); this schema exists so the generated JSON Schema
// completes and checks seed-format files in editors too.
const seedEntry = z.strictObject({
  type: z.enum(['response.statusCode', 'response.body', 'response.headers', 'request.body', 'request.headers', 'responseTime']).describe('Section of the call to test (S-06).'),
  path: z.string().optional().describe('JSONPath inside the section, e.g. $.order.totalCents.'),
  operator: z.string().describe('eq, contains, exists, doesNotExist, … (S-09).'),
  value: z.unknown().optional(),
})

const seedBlock = z.strictObject({
  target: z.enum(['self', 'httpCall']).describe('self: this step\'s own call; httpCall: a captured call matching `match` (S-04).'),
  match: z
    .strictObject({ origin: z.string().optional(), method: z.string().optional(), url: z.string().optional().describe('host, host/path or service/path (S-05).') })
    .optional(),
  assertions: z.array(seedEntry),
})

const seedAction = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http'),
    method: z.enum(HTTP_METHODS),
    url: z.string(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    queryParams: z.record(z.string(), z.unknown()).optional(),
    timeout: z.number().optional(),
  }),
  z.strictObject({ type: z.literal('database'), service: z.string().describe('DATABASE item name (S-03).'), query: z.string(), params: z.record(z.string(), z.unknown()).optional() }),
])

const seedStep = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  action: z.union([seedAction, actionSchema]),
  extract: z.record(z.string(), z.string()).optional().describe('Variable → path such as response.body.order.id (S-08).'),
  assertions: z.array(z.union([seedBlock, assertionBlockSchema])).optional(),
})

/** A definition in the seed documents' format: top-level `steps` instead of `tests` (S-01). */
export const seedDefinitionSchema = definitionSchema.omit({ tests: true }).extend({
  steps: z.array(seedStep).describe('Steps of the one test of this definition (seed format, S-01).'),
})
