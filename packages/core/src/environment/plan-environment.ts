// Turns a resolved definition into the runtime-neutral EnvironmentPlan (ARCHITECTURE.md §3):
// engine conventions for databases (F-072..F-081), health checks (F-066), stages (F-110),
// mock rules (F-082..F-098). Docker and Kubernetes runtimes both start from this plan.
import { randomBytes } from 'node:crypto'
import { basename } from 'node:path'
import type { MockRule } from '@dokkimi/interceptor'
import type { DatabaseItem, Definition, MockItem, ServiceItem, WorkerItem } from '@dokkimi/resolver'
import { DokkimiError } from '../errors.js'
import type { EnvironmentPlan, PlannedDatabase, PlannedFile, PlannedItem, PlannedService, PlannedWorker } from '../runtime/runtime.js'
import type { CertificateAuthority } from './certificate-authority.js'

type ContainerItem = ServiceItem | WorkerItem

/** A run id: short, sortable by time, unique enough for labels and network names. */
export function createRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}

export function planEnvironment(definition: Definition, options: { runId: string; ca: CertificateAuthority; session?: string | undefined }): EnvironmentPlan {
  const items: PlannedItem[] = []
  const mocks: MockRule[] = []
  for (const item of definition.items) {
    switch (item.type) {
      case 'SERVICE':
        items.push(planService(item))
        break
      case 'WORKER':
        items.push(planWorker(item))
        break
      case 'DATABASE':
        items.push(planDatabase(item))
        break
      case 'MOCK':
        mocks.push(mockRule(item))
        break
      case 'BROKER':
        throw new DokkimiError('RUNTIME_UNSUPPORTED_ITEM', `[dokkimi] BROKER item "${item.name}" in ${definition.name} is not supported yet. Remove it, or run this definition once brokers ship.`, {
          details: { item: item.name, type: item.type },
        })
      default:
        // Legacy HTTP_REQUEST/DB_QUERY items are rejected by the resolver (L-rules) and never get here.
        break
    }
  }
  const stageNumbers = [...new Set(items.map((i) => i.stage))].sort((a, b) => a - b)
  return {
    runId: options.runId,
    ...(options.session ? { session: options.session } : {}),
    definition: definition.name,
    stages: stageNumbers.map((s) => items.filter((i) => i.stage === s)),
    interceptor: {
      services: items.filter((i): i is PlannedService => i.kind === 'service').map((s) => ({ name: s.name, port: s.port })),
      mocks,
      externalTraffic: definition.config.externalTraffic,
    },
    ca: options.ca,
    timeoutMs: definition.config.timeoutSeconds * 1000,
  }
}

function envMap(env: ReadonlyArray<{ name: string; value: string }>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const { name, value } of env) out[name] = value // F-063: a later duplicate wins
  return out
}

function containerBase(item: ContainerItem) {
  return {
    name: item.name,
    stage: item.stage,
    image: item.image ?? '',
    env: envMap(item.env),
    ...(item.command ? { command: [...item.command] } : {}),
    ...(item.entrypoint ? { entrypoint: [...item.entrypoint] } : {}),
    files: (item.mountFiles ?? []).map((m): PlannedFile => ({ source: (m as { absoluteSource?: string }).absoluteSource ?? m.source, target: m.target })),
    resources: { minMemoryMb: item.minMemory, maxMemoryMb: item.maxMemory, minCpu: item.minCpu, maxCpu: item.maxCpu },
  }
}

function planService(item: ServiceItem): PlannedService {
  return {
    kind: 'service',
    ...containerBase(item),
    port: item.port,
    ready: item.healthCheck === 'tcp' ? { kind: 'tcp', port: item.port } : { kind: 'http', path: item.healthCheck, port: item.port },
  }
}

function planWorker(item: WorkerItem): PlannedWorker {
  return { kind: 'worker', ...containerBase(item), ready: { kind: 'none' } }
}

const DATA_DIRS = { postgres: '/var/lib/postgresql/data', mysql: '/var/lib/mysql', mongodb: '/data/db', redis: '/data' } as const

function planDatabase(item: DatabaseItem): PlannedDatabase {
  const creds = item.credentials
  const env: Record<string, string> = {}
  let command: string[] | undefined
  const initDir = '/docker-entrypoint-initdb.d'
  const files: PlannedFile[] =
    item.database === 'redis' ? [] : item.initFiles.map((f, i) => ({ source: f.absolutePath, target: `${initDir}/${String(i).padStart(2, '0')}_${basename(f.absolutePath)}` }))
  switch (item.database) {
    case 'postgres':
      if (creds) Object.assign(env, { POSTGRES_DB: creds.dbName, POSTGRES_USER: creds.dbUser, POSTGRES_PASSWORD: creds.dbPassword })
      else env.POSTGRES_HOST_AUTH_METHOD = 'trust'
      // Data is thrown away after the run: skip durability work (F-080).
      command = ['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      break
    case 'mysql':
      if (creds) {
        Object.assign(env, { MYSQL_DATABASE: creds.dbName, MYSQL_ROOT_PASSWORD: creds.dbPassword })
        if (creds.dbUser !== 'root') Object.assign(env, { MYSQL_USER: creds.dbUser, MYSQL_PASSWORD: creds.dbPassword })
      } else env.MYSQL_ALLOW_EMPTY_PASSWORD = 'yes'
      break
    case 'mongodb':
      if (creds) Object.assign(env, { MONGO_INITDB_ROOT_USERNAME: creds.dbUser, MONGO_INITDB_ROOT_PASSWORD: creds.dbPassword, MONGO_INITDB_DATABASE: creds.dbName })
      // F-079: the last init script writes a marker; readiness waits for it.
      files.push({ content: `db.getSiblingDB('dokkimi_internal').ready.insertOne({ ready: true })\n`, target: `${initDir}/99_dokkimi_ready.js` })
      break
    case 'redis':
      command = creds ? ['redis-server', '--requirepass', creds.dbPassword, '--save', '', '--appendonly', 'no'] : ['redis-server', '--save', '', '--appendonly', 'no']
      break
  }
  return {
    kind: 'database',
    name: item.name,
    stage: item.stage,
    engine: item.database,
    image: item.image,
    port: item.port,
    env,
    ...(command ? { command } : {}),
    files,
    ready: { kind: 'database' },
    resources: {},
    ...(creds ? { credentials: { ...creds } } : {}),
    dataDir: DATA_DIRS[item.database],
  }
}

function mockRule(item: MockItem): MockRule {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(item.mockResponseHeaders ?? {})) headers[k] = typeof v === 'string' ? v : JSON.stringify(v)
  return {
    name: item.name,
    target: item.mockTarget,
    path: item.mockPath,
    method: item.mockMethod.toUpperCase(),
    origin: item.mockOrigin,
    ...(item.mockRequestBodyContains !== undefined ? { bodyContains: item.mockRequestBodyContains } : {}),
    ...(item.mockRequestBodyMatches !== undefined ? { bodyMatches: item.mockRequestBodyMatches } : {}),
    status: item.mockResponseStatus,
    ...(item.mockResponseHeaders ? { headers } : {}),
    ...(item.mockResponseBody !== undefined ? { body: item.mockResponseBody } : {}),
    delayMs: item.mockDelayMs,
  }
}
