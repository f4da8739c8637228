// The item builders of defineEnvironment(): each returns the plain item object a definition file
// would hold, so the resolver validates both the same way.
import { isAbsolute, resolve } from 'node:path'
import type { BrokerItemInput, DatabaseItemInput, EnvVar, MockItemInput, ServiceItemInput, WorkerItemInput } from '@dokkimi/resolver'

/** Environment variables as a record (`{ KEY: 'value' }`) or as the definition's `[{ name, value }]` list. */
export type EnvInput = Record<string, string> | EnvVar[]

/** SERVICE fields as in a definition file, without `type` and `name`; `env` may also be a record. */
export type ServiceOptions = Omit<ServiceItemInput, 'type' | 'name' | 'env'> & { env?: EnvInput }

/** WORKER fields as in a definition file, without `type` and `name`; `env` may also be a record. */
export type WorkerOptions = Omit<WorkerItemInput, 'type' | 'name' | 'env'> & { env?: EnvInput }

/** DATABASE fields without `type`, `name` and the engine (the builder names it). */
export type DatabaseOptions = Omit<DatabaseItemInput, 'type' | 'name' | 'database'> & {
  /** Name of the database to create (the `dbName` field). @default 'dokkimi' */
  database?: string
  /** Init files run in order at first boot, relative to the environment's `baseDir` (the `initFilePaths` field). */
  initFiles?: string[]
}

/** One mocked response of `mock(target, rules)`. */
export interface MockRuleOptions {
  /** Item name. @default derived from target, method and path */
  name?: string
  description?: string
  /** Path: exact, `/prefix/*`, `*` segments, `:id` variables, or `*` for any. @default '*' */
  path?: string
  /** HTTP method or `*`. @default '*' */
  method?: string
  /** Only calls from this item match. */
  origin?: string
  /** Status code. @default 200 */
  status?: number
  headers?: Record<string, unknown>
  /** Response body: JSON values are encoded, strings sent raw. */
  body?: unknown
  /** Delay before answering, in ms. */
  delayMs?: number
  /** Case-insensitive substring the request body must contain. */
  bodyContains?: string
  /** Regular expression the request body must match. */
  bodyMatches?: string
}

/** A MOCK item's own fields (`mockPath`, `mockResponseStatus`, …), as in a definition file. */
export type MockItemOptions = Omit<MockItemInput, 'type' | 'name' | 'mockTarget'> & { name?: string }

/** An item written in YAML, resolved through `$ref` (chains allowed). */
export interface YamlItemRef {
  $ref: string
}

/** Anything `defineEnvironment({ items })` takes: builder results, raw item objects, `fromYaml()` refs, or lists of them. */
export type EnvironmentItem = ServiceItemInput | WorkerItemInput | DatabaseItemInput | BrokerItemInput | MockItemInput | YamlItemRef

/** A SERVICE item: a long-running container reached by name. */
export function service(name: string, options: ServiceOptions): ServiceItemInput {
  const { env, ...rest } = options
  return { type: 'SERVICE', name, ...rest, ...(env === undefined ? {} : { env: envList(env) }) }
}

/** A WORKER item: a background process with no port and no health check. */
export function worker(name: string, options: WorkerOptions): WorkerItemInput {
  const { env, ...rest } = options
  return { type: 'WORKER', name, ...rest, ...(env === undefined ? {} : { env: envList(env) }) }
}

/** A PostgreSQL DATABASE item. */
export function postgres(name: string, options: DatabaseOptions = {}): DatabaseItemInput {
  return database('postgres', name, options)
}

/** A MySQL DATABASE item. */
export function mysql(name: string, options: DatabaseOptions = {}): DatabaseItemInput {
  return database('mysql', name, options)
}

/** A MongoDB DATABASE item. */
export function mongodb(name: string, options: DatabaseOptions = {}): DatabaseItemInput {
  return database('mongodb', name, options)
}

/** A Redis DATABASE item. */
export function redis(name: string, options: DatabaseOptions = {}): DatabaseItemInput {
  return database('redis', name, options)
}

function database(engine: DatabaseItemInput['database'], name: string, options: DatabaseOptions): DatabaseItemInput {
  const { database: dbName, initFiles, ...rest } = options
  const item: DatabaseItemInput = { type: 'DATABASE', name, database: engine, ...rest }
  if (dbName !== undefined && rest.dbName === undefined) item.dbName = dbName
  if (initFiles !== undefined) item.initFilePaths = [...(rest.initFilePaths ?? []), ...initFiles]
  return item
}

/**
 * MOCK items for `target` (a host such as `api.stripe.com`, or `*`): one per rule. Rules use the
 * short names (`path`, `status`, `body`, …) or the MOCK item's own fields (`mockPath`, …).
 */
export function mock(target: string, rules: MockRuleOptions | MockItemOptions | ReadonlyArray<MockRuleOptions | MockItemOptions>): MockItemInput[] {
  const list = Array.isArray(rules) ? (rules as ReadonlyArray<MockRuleOptions | MockItemOptions>) : [rules as MockRuleOptions | MockItemOptions]
  const names = new Set<string>()
  return list.map((rule) => {
    const item = mockItem(target, rule)
    let name = item.name
    for (let n = 2; names.has(name); n++) name = `${item.name.slice(0, 60)}-${n}`
    names.add(name)
    return { ...item, name }
  })
}

const SHORT: Record<string, string> = {
  path: 'mockPath',
  method: 'mockMethod',
  origin: 'mockOrigin',
  status: 'mockResponseStatus',
  headers: 'mockResponseHeaders',
  body: 'mockResponseBody',
  delayMs: 'mockDelayMs',
  bodyContains: 'mockRequestBodyContains',
  bodyMatches: 'mockRequestBodyMatches',
}

function mockItem(target: string, rule: MockRuleOptions | MockItemOptions): MockItemInput {
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(rule)) if (value !== undefined) fields[SHORT[key] ?? key] = value
  fields.mockPath ??= '*'
  const name = typeof fields.name === 'string' ? fields.name : mockName(target, fields.mockMethod, fields.mockPath)
  return { ...fields, type: 'MOCK', name, mockTarget: target } as MockItemInput
}

// `mock-api-stripe-com-post-v1-charges`: a DNS label (the resolver's rule for item names).
function mockName(target: string, method: unknown, path: unknown): string {
  const words = ['mock', target === '*' ? 'any' : target, typeof method === 'string' && method !== '*' ? method : '', typeof path === 'string' && path !== '*' ? path : '']
  const label = words.join('-').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-+/g, '-')
  return label.slice(0, 63).replace(/^-+|-+$/g, '')
}

const WRITTEN = Symbol('dokkimi.fromYaml')

/**
 * An item from a YAML (or JSON) item file; `$ref` chains allowed. A relative path is relative to
 * the environment's `baseDir` (`$ref` holds it resolved against the current folder until then).
 */
export function fromYaml(path: string): YamlItemRef {
  const ref = { $ref: isAbsolute(path) ? path : resolve(path) }
  if (!isAbsolute(path)) Object.defineProperty(ref, WRITTEN, { value: path })
  return ref
}

/** The item with a relative `fromYaml()` path resolved against `baseDir`. */
export function rebaseItem<T>(item: T, baseDir: string): T {
  const written = (item as { [WRITTEN]?: string } | null)?.[WRITTEN]
  if (written === undefined) return item
  return Object.defineProperty({ $ref: resolve(baseDir, written) }, WRITTEN, { value: written }) as T
}

function envList(env: EnvInput): EnvVar[] {
  return Array.isArray(env) ? env : Object.entries(env).map(([name, value]) => ({ name, value }))
}
