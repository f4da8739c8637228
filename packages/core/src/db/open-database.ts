import type { DatabaseItem } from '@dokkimi/resolver'
import { createClient } from './_client.js'

/** Result document of a dbQuery step, before `responseTime` is added (F-144). */
export interface DbResponse {
  success: boolean
  data: unknown[]
  rowsAffected: number
  /** The engine's message when the statement failed. */
  error: string | null
}

/** Where a database answers, seen from the process running the steps. */
export interface DbEndpoint {
  host: string
  port: number
}

/** An open connection to one DATABASE item. */
export interface DatabaseClient {
  /**
   * Runs one dbQuery. A failing statement resolves with `success: false`; connection failures and
   * timeouts reject with a DokkimiError.
   */
  query(query: string, params: Record<string, unknown> | undefined, options: { timeoutMs: number }): Promise<DbResponse>
  close(): Promise<void>
}

// Drivers load on first use, so a project without MongoDB never loads the mongodb package.
const OPEN: Record<DatabaseItem['database'], (item: DatabaseItem, endpoint: DbEndpoint) => Promise<DatabaseClient>> = {
  postgres: async (item, endpoint) => createClient((await import('./_postgres.js')).postgresDriver(item, endpoint)),
  mysql: async (item, endpoint) => createClient((await import('./_mysql.js')).mysqlDriver(item, endpoint)),
  redis: async (item, endpoint) => createClient((await import('./_redis.js')).redisDriver(item, endpoint)),
  mongodb: async (item, endpoint) => createClient((await import('./_mongodb.js')).mongodbDriver(item, endpoint)),
}

/**
 * Connects to a DATABASE item for dbQuery steps (F-140..F-145), retrying connection failures
 * (3 attempts, 500 ms backoff doubling). Without credentials (noAuth) it connects as the official
 * image's default user: postgres/postgres, mysql root without a database, mongodb to `test`.
 */
export function openDatabase(item: DatabaseItem, endpoint: DbEndpoint): Promise<DatabaseClient> {
  return OPEN[item.database](item, endpoint)
}
