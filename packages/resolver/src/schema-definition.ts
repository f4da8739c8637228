import { z } from 'zod'
import { c, nonEmpty, obj, posInt } from './_zod.js'
import { itemSchema } from './schema-items.js'
import { testSchema, variablesSchema } from './schema-tests.js'

/** The `config` block of a definition (F-115..F-117). */
export const definitionConfigSchema = obj(
  {
    timeoutSeconds: posInt('CONFIG_TIMEOUT_INVALID').optional().describe('Budget for startup and for the whole test run, default 300 (F-115).'),
    browser: obj({ version: nonEmpty('CONFIG_BROWSER_VERSION_INVALID').optional() }, 'CONFIG_BROWSER_INVALID', 'CONFIG_BROWSER_UNKNOWN_KEY')
      .optional()
      .describe('Browser for UI steps (F-116).'),
    externalTraffic: z
      .enum(['block', 'passthrough'], c('CONFIG_EXTERNAL_TRAFFIC_INVALID'))
      .optional()
      .describe('Unmocked external calls: "block" answers 502 (default, deterministic), "passthrough" forwards them.'),
  },
  'CONFIG_BLOCK_INVALID',
  'CONFIG_BLOCK_UNKNOWN_KEY',
)

/** A runnable definition in the current format (after seed-format normalisation). */
export const definitionSchema = obj(
  {
    $schema: z.string().optional(),
    name: z.string(c('DEFINITION_NAME_INVALID')).min(1, c('DEFINITION_NAME_INVALID')).max(100, c('DEFINITION_NAME_TOO_LONG')).describe('Unique name of the definition (F-011).'),
    description: z.string().optional(),
    config: definitionConfigSchema.optional(),
    variables: variablesSchema.optional().describe('Variables seeded into every test; strings also fill {{KEY}} in items (F-188).'),
    items: z.array(itemSchema, c('ITEMS_NOT_ARRAY')).describe('Services, workers, databases, brokers and mocks of the environment (F-012).'),
    tests: z.array(testSchema, c('TESTS_NOT_ARRAY')).optional().describe('Tests run in order in the shared environment (F-120).'),
  },
  'DEFINITION_NAME_INVALID',
  'DEFINITION_UNKNOWN_KEY',
)

/** The project config file `.dokkimi/config.yaml` (F-006..F-008). */
export const projectConfigSchema = obj(
  {
    $schema: z.string().optional(),
    dokkimi: z.union([z.string(), z.number()], c('CONFIG_VERSION_INVALID')).optional().describe('Minimum Dokkimi version this project expects (F-007).'),
    env: z
      .record(z.string().regex(/^\w+$/, c('CONFIG_ENV_KEY_INVALID')), z.union([z.string(), z.number()], c('CONFIG_ENV_VALUE_INVALID')), c('CONFIG_ENV_NOT_OBJECT'))
      .optional()
      .describe('Build-time values for ${{KEY}} (F-008).'),
    images: z.record(z.string(), z.string()).optional().describe('Image reference rewrites, e.g. for a registry mirror.'),
  },
  'CONFIG_NOT_OBJECT',
  'CONFIG_FILE_UNKNOWN_KEY',
)

export type DefinitionInput = z.input<typeof definitionSchema>
export type DefinitionOutput = z.output<typeof definitionSchema>
export type ProjectConfigInput = z.input<typeof projectConfigSchema>
