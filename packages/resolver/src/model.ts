import type { z } from 'zod'
import type { brokerSchema, databaseSchema, dbQueryItemSchema, httpRequestItemSchema, mockSchema, serviceSchema, workerSchema } from './schema-items.js'
import type { actionSchema, assertionBlockSchema, stepSchema, testSchema } from './schema-tests.js'
import type { assertionSchema, matchSchema, WhereEntry } from './schema-assertions.js'
import type { Issue } from './issues.js'

interface ItemSource {
  /** The file the item's fields came from (the innermost fragment); relative paths start there (F-044). */
  source: string
}

export type ServiceItem = z.output<typeof serviceSchema> & ItemSource & { stage: number; env: EnvVar[] }
export type WorkerItem = z.output<typeof workerSchema> & ItemSource & { stage: number; env: EnvVar[] }
export interface InitFile {
  /** As written in the definition. */
  path: string
  absolutePath: string
}
export type DatabaseItem = Omit<z.output<typeof databaseSchema>, 'image'> &
  ItemSource & {
    stage: number
    /** Image to run: the custom image, or the engine's official image at `version` (F-072, F-073). */
    image: string
    /** Port the engine listens on inside the environment. */
    port: number
    /** Init files in execution order: initFilePath, then initFilePaths (F-077). */
    initFiles: InitFile[]
    /** Credentials after defaults (F-075); undefined with noAuth. */
    credentials?: { dbName: string; dbUser: string; dbPassword: string }
  }
export type BrokerItem = z.output<typeof brokerSchema> & ItemSource & { stage: number }
export type MockItem = Omit<z.output<typeof mockSchema>, 'mockResponseDelay'> &
  ItemSource & { mockMethod: string; mockResponseStatus: number; mockDelayMs: number; mockOrigin: string }
export type LegacyItem = (z.output<typeof httpRequestItemSchema> | z.output<typeof dbQueryItemSchema>) & ItemSource
export type Item = ServiceItem | WorkerItem | DatabaseItem | BrokerItem | MockItem | LegacyItem
export interface EnvVar {
  name: string
  value: string
}
export interface MountFile {
  source: string
  target: string
  absoluteSource: string
}

export type Test = z.output<typeof testSchema>
export type Step = z.output<typeof stepSchema>
export type Action = z.output<typeof actionSchema>
export type AssertionBlock = z.output<typeof assertionBlockSchema>
export type Assertion = z.output<typeof assertionSchema>
export type Match = z.output<typeof matchSchema>
export type { WhereEntry }

/** Run-level settings after defaults (F-115..F-117). */
export interface DefinitionConfig {
  timeoutSeconds: number
  browser: { version: string }
  externalTraffic: 'block' | 'passthrough'
}

/**
 * A runnable definition, resolved, validated and normalised: the one model both formats produce.
 * Treat it as read-only: values from a shared fragment may be the same objects in every definition using it.
 */
export interface Definition {
  name: string
  description?: string
  /** Absolute path of the definition file. */
  file: string
  /** Which format the file was written in (seed documents or current). */
  format: 'seed' | 'current'
  config: DefinitionConfig
  variables: Record<string, unknown>
  items: Item[]
  tests: Test[]
}

/** What became of one scanned file. */
export interface FileResult {
  file: string
  kind: 'definition' | 'fragment' | 'invalid'
  /** Definition name when the file is (or looks like) a runnable definition. */
  name?: string
  errors: Issue[]
  warnings: Issue[]
  /** Set when the file is a valid runnable definition. */
  definition?: Definition
  /** Files read while resolving it (fragments, init files). */
  dependencies: string[]
}

export const DEFAULT_TIMEOUT_SECONDS = 300
export const DEFAULT_BROWSER_VERSION = '148.0.7778.56'
export const DATABASE_DEFAULTS = {
  postgres: { image: 'postgres', version: '15', port: 5432 },
  mysql: { image: 'mysql', version: '8', port: 3306 },
  mongodb: { image: 'mongo', version: '7', port: 27017 },
  redis: { image: 'redis', version: '7-alpine', port: 6379 },
} as const
