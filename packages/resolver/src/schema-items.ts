import { z } from 'zod'
import { c, nonEmpty, nonNegInt, obj, report } from './_zod.js'

// F-060 / F-280: item names are DNS labels.
const ITEM_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
export const VERSION = /^\d[a-zA-Z0-9.-]*$/
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const

const itemName = z
  .string({ error: 'ITEM_NAME_MISSING' })
  .min(1, c('ITEM_NAME_MISSING'))
  .max(63, c('ITEM_NAME_TOO_LONG'))
  .regex(ITEM_NAME, c('ITEM_NAME_INVALID'))
  .describe('Item name: a lowercase DNS label, the hostname other containers use (F-060).')

const stage = nonNegInt('ITEM_STAGE_INVALID')
  .optional()
  .describe('Boot stage: items of stage N+1 start after every item of stage N is healthy (F-110).')
const description = z.string().optional().describe('Free text.')
const resource = z.number(c('RESOURCE_INVALID')).nonnegative(c('RESOURCE_INVALID')).optional()
const resources = { minCpu: resource, maxCpu: resource, minMemory: resource, maxMemory: resource }

export const envSchema = z
  .array(obj({ name: nonEmpty('ENV_INVALID'), value: z.string(c('ENV_INVALID')) }, 'ENV_INVALID', 'ENV_INVALID'), c('ENV_INVALID'))
  .describe('Environment variables as a list of {name, value} strings (F-063).')
const stringList = (code: 'COMMAND_INVALID' | 'ENTRYPOINT_INVALID') => z.array(z.string(c(code)), c(code)).optional()
const mountFiles = z
  .array(
    obj(
      {
        source: nonEmpty('MOUNT_FILES_INVALID').describe('File path relative to the declaring file.'),
        target: nonEmpty('MOUNT_FILES_INVALID').startsWith('/', c('MOUNT_FILES_INVALID')).describe('Absolute path in the container.'),
      },
      'MOUNT_FILES_INVALID',
      'MOUNT_FILES_INVALID',
    ),
    c('MOUNT_FILES_INVALID'),
  )
  .optional()
  .describe('Files mounted read-only into the container (F-068).')
const healthCheck = z
  .string(c('SERVICE_HEALTHCHECK_MISSING'))
  .refine((v) => v.startsWith('/') || v === 'tcp', c('SERVICE_HEALTHCHECK_INVALID'))
  .describe('An HTTP path polled until it answers (e.g. /health), or "tcp" for a port-open check (F-066).')
const port = z.number(c('PORT_INVALID')).int(c('PORT_INVALID')).min(1, c('PORT_INVALID')).max(65535, c('PORT_INVALID'))

const base = { name: itemName, description }
// Fields SERVICE and WORKER share: what runs in the container.
const containerFields = {
  env: envSchema.optional(),
  command: stringList('COMMAND_INVALID'),
  entrypoint: stringList('ENTRYPOINT_INVALID'),
  mountFiles,
  localDevPath: z.string().optional(),
  mountPath: z.string().optional(),
  ...resources,
}

export const serviceSchema = obj(
  {
    type: z.literal('SERVICE'),
    ...base,
    stage,
    image: nonEmpty('SERVICE_IMAGE_MISSING').describe('Container image reference.'),
    port: port.describe('The port the service listens on.'),
    healthCheck,
    uiPath: z.string().optional(),
    ...containerFields,
  },
  'ITEM_NOT_OBJECT',
  'ITEM_UNKNOWN_KEY',
).describe('A long-running container reached by name (F-065).')

export const workerSchema = obj(
  {
    type: z.literal('WORKER'),
    ...base,
    stage,
    image: z.string(c('WORKER_IMAGE_MISSING')).min(1, c('WORKER_IMAGE_MISSING')).optional(),
    ...containerFields,
  },
  'ITEM_NOT_OBJECT',
  'ITEM_UNKNOWN_KEY',
)
  .superRefine((w, ctx) => {
    if (w.image === undefined) report(ctx, 'WORKER_IMAGE_MISSING', ['image']) // V-065
  })
  .describe('A background process with no port and no health check (F-071).')

const initPath = nonEmpty('INIT_FILE_INVALID')
export const databaseSchema = obj(
  {
    type: z.literal('DATABASE'),
    ...base,
    stage,
    database: z.enum(['postgres', 'mysql', 'mongodb', 'redis'], c('DATABASE_ENGINE_INVALID')).describe('Engine (F-072).'),
    image: nonEmpty('DATABASE_IMAGE_INVALID').optional().describe('Custom image replacing the engine default (F-074).'),
    version: z.string(c('VERSION_INVALID')).regex(VERSION, c('VERSION_INVALID')).optional().describe('Image tag of the official engine image (F-073).'),
    initFilePath: initPath.optional().describe('Init file run once at first boot, relative to this file (F-077).'),
    initFilePaths: z.array(initPath, c('INIT_FILE_INVALID')).optional().describe('Init files run in order at first boot (F-077).'),
    initFileIds: z.array(z.string()).optional(),
    dbName: z.string().optional().describe('Default "dokkimi".'),
    dbUser: z.string().optional().describe('Default "dokkimi".'),
    dbPassword: z.string().optional().describe('Default "dokkimi".'),
    noAuth: z.boolean(c('DATABASE_NOAUTH_INVALID')).optional().describe('Start without credentials (F-076).'),
    resources: z.record(z.string(), z.number()).optional(),
    ...resources,
  },
  'ITEM_NOT_OBJECT',
  'ITEM_UNKNOWN_KEY',
)
  .superRefine((item, ctx) => {
    if (item.image !== undefined && item.version !== undefined) report(ctx, 'DATABASE_IMAGE_AND_VERSION', ['version'])
    if (item.noAuth === true && (item.dbName !== undefined || item.dbUser !== undefined || item.dbPassword !== undefined))
      report(ctx, 'DATABASE_NOAUTH_WITH_CREDENTIALS', ['noAuth'])
  })
  .describe('A real database: postgres, mysql, mongodb or redis (F-072..F-081).')

export const brokerSchema = obj(
  {
    type: z.literal('BROKER'),
    ...base,
    stage,
    broker: z.enum(['amqp', 'kafka'], c('BROKER_KIND_INVALID')),
    version: z.string(c('VERSION_INVALID')).regex(VERSION, c('VERSION_INVALID')).optional(),
    image: z.string().min(1).optional(),
    port: port.optional(),
    healthCheck: z.string(c('BROKER_HEALTHCHECK_INVALID')).optional(),
    env: envSchema.optional(),
    command: stringList('COMMAND_INVALID'),
    resources: z.record(z.string(), z.number()).optional(),
    ...resources,
  },
  'ITEM_NOT_OBJECT',
  'ITEM_UNKNOWN_KEY',
).describe('A message broker: amqp or kafka (F-099).')

const mockDelay = z.number(c('MOCK_DELAY_INVALID')).nonnegative(c('MOCK_DELAY_INVALID'))
export const mockSchema = obj(
  {
    type: z.literal('MOCK'),
    ...base,
    mockTarget: nonEmpty('MOCK_TARGET_INVALID').describe('Host to intercept, e.g. api.stripe.com, or * for any (F-083).'),
    mockPath: z.string(c('MOCK_PATH_INVALID')).describe('Path: exact, /prefix/*, * segments, :id variables, or * for any (F-084).'),
    mockMethod: z
      .string(c('MOCK_METHOD_INVALID'))
      .refine((m) => m === '*' || (HTTP_METHODS as readonly string[]).includes(m.toUpperCase()), c('MOCK_METHOD_INVALID'))
      .optional()
      .describe('HTTP method or *, default * (F-085).'),
    mockOrigin: z.string().optional().describe('Only calls from this item match (F-086).'),
    mockDelayMs: mockDelay.optional().describe('Delay before answering, in ms (F-094).'),
    mockResponseDelay: mockDelay.optional().describe('Seed name of mockDelayMs (S-15).'),
    mockResponseStatus: z
      .number(c('MOCK_STATUS_INVALID'))
      .int(c('MOCK_STATUS_INVALID'))
      .min(100, c('MOCK_STATUS_INVALID'))
      .max(599, c('MOCK_STATUS_INVALID'))
      .optional()
      .describe('Status code, default 200 (F-091).'),
    mockResponseHeaders: z.record(z.string(), z.unknown()).optional().describe('Response headers (F-092).'),
    mockResponseBody: z.unknown().optional().describe('Response body: JSON values are encoded, strings sent raw (F-093).'),
    mockRequestBodyContains: nonEmpty('MOCK_BODY_CONTAINS_INVALID').optional().describe('Case-insensitive substring the request body must contain (F-087).'),
    mockRequestBodyMatches: nonEmpty('MOCK_BODY_MATCHES_INVALID')
      .refine(isRegex, c('MOCK_BODY_MATCHES_INVALID'))
      .optional()
      .describe('Regular expression the request body must match (F-088).'),
  },
  'ITEM_NOT_OBJECT',
  'ITEM_UNKNOWN_KEY',
)
  .superRefine((m, ctx) => {
    if (m.mockRequestBodyContains !== undefined && m.mockRequestBodyMatches !== undefined) report(ctx, 'MOCK_BODY_MATCHERS_BOTH', ['mockRequestBodyMatches'])
    if (m.mockDelayMs !== undefined && m.mockResponseDelay !== undefined) report(ctx, 'MOCK_DELAY_BOTH', ['mockResponseDelay'])
  })
  .describe('A mocked external HTTP(S) API answered by the interceptor (F-082).')

export const httpRequestItemSchema = obj(
  {
    type: z.literal('HTTP_REQUEST'),
    ...base,
    requestMethod: z.enum(HTTP_METHODS, c('LEGACY_HTTP_REQUEST_INVALID')),
    requestUrl: nonEmpty('LEGACY_HTTP_REQUEST_INVALID'),
    requestTarget: nonEmpty('LEGACY_HTTP_REQUEST_INVALID'),
    requestProtocol: z.enum(['http', 'https'], c('LEGACY_HTTP_REQUEST_INVALID')).optional(),
    requestHeaders: z.record(z.string(), z.unknown()).optional(),
    requestBody: z.unknown().optional(),
  },
  'ITEM_NOT_OBJECT',
  'ITEM_UNKNOWN_KEY',
).describe('Legacy item, validated only (F-102).')

export const dbQueryItemSchema = obj(
  {
    type: z.literal('DB_QUERY'),
    ...base,
    queryTarget: nonEmpty('LEGACY_DB_QUERY_INVALID'),
    queryText: nonEmpty('LEGACY_DB_QUERY_INVALID'),
    queryParams: z.unknown().optional(),
  },
  'ITEM_NOT_OBJECT',
  'ITEM_UNKNOWN_KEY',
).describe('Legacy item, validated only (F-103).')

export const itemSchema = z.discriminatedUnion(
  'type',
  [serviceSchema, workerSchema, databaseSchema, brokerSchema, mockSchema, httpRequestItemSchema, dbQueryItemSchema],
  { error: (iss) => (typeof iss.input === 'object' && iss.input !== null ? 'ITEM_TYPE_INVALID' : 'ITEM_NOT_OBJECT') },
)

export function isRegex(source: string): boolean {
  try {
    new RegExp(source)
    return true
  } catch {
    return false
  }
}
