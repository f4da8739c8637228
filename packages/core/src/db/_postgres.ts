import type { DatabaseItem } from '@dokkimi/resolver'
import pg from 'pg'
import { isNetworkError, type EngineDriver, type FailureKind } from './_client.js'
import { bindPostgresParams } from './_sql.js'
import { numberIfSafe, timestampToIso, toJsonValue } from './_values.js'
import type { DbEndpoint, DbResponse } from './open-database.js'

type Parser = (text: string) => unknown

const raw: Parser = (text) => text
const defaultParser = pg.types.getTypeParser as (oid: number, format?: string) => Parser
const textArray = defaultParser(1009, 'text')

const mapArray = (parse: Parser) => (text: string) => {
  const walk = (v: unknown): unknown => (Array.isArray(v) ? v.map(walk) : v === null ? null : parse(v as string))
  return walk(textArray(text))
}

// Column types whose default pg parsing we change (F-144): exact numbers, ISO timestamps, raw text.
const SCALARS: Record<number, Parser> = {
  20: numberIfSafe, // int8
  1700: numberIfSafe, // numeric
  1114: timestampToIso, // timestamp
  1184: timestampToIso, // timestamptz
  1082: raw, // date
  1186: raw, // interval
  17: raw, // bytea, as \x… text
}
const ARRAYS: Record<number, number> = { 1016: 20, 1231: 1700, 1115: 1114, 1185: 1184, 1182: 1082, 1187: 1186, 1001: 17 }

const types = {
  getTypeParser: ((oid: number, format?: string) => {
    if (format !== 'binary') {
      const scalar = SCALARS[oid]
      if (scalar) return scalar
      const element = ARRAYS[oid]
      if (element !== undefined) return mapArray(SCALARS[element]!)
    }
    return defaultParser(oid, format)
  }) as typeof pg.types.getTypeParser,
}

interface Connection {
  client: pg.Client
  statementTimeoutMs?: number
}

function classify(error: unknown): FailureKind {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === '57014') return 'timeout' // query_canceled by statement_timeout
    if (code === '28P01' || code === '28000') return 'auth'
    if (code === '57P03' || code.startsWith('08')) return 'transient' // starting up, connection exceptions
    if (code === '57P01' || code === '57P02') return 'lost' // admin / crash shutdown
    return 'statement'
  }
  if (isNetworkError(error)) return 'transient'
  if (error instanceof Error && /timeout/i.test(error.message)) return 'timeout'
  return 'lost'
}

function rowsOf(result: pg.QueryResult | pg.QueryResult[]): DbResponse {
  const results = Array.isArray(result) ? result : [result]
  let data: unknown[] = []
  let rowsAffected = 0
  for (const r of results) {
    rowsAffected += r.rowCount ?? 0
    if (r.fields.length > 0) data = r.rows.map(toJsonValue)
  }
  return { success: true, data, rowsAffected, error: null }
}

export function postgresDriver(item: DatabaseItem, endpoint: DbEndpoint): EngineDriver<Connection> {
  const creds = item.credentials
  return {
    engine: 'postgres',
    label: `postgres database "${item.name}" at ${endpoint.host}:${endpoint.port}`,
    guardGraceMs: 1000,
    async connect(onLost) {
      const client = new pg.Client({
        host: endpoint.host,
        port: endpoint.port,
        user: creds?.dbUser ?? 'postgres',
        password: creds?.dbPassword ?? '',
        database: creds?.dbName ?? 'postgres',
        connectionTimeoutMillis: 10_000,
        application_name: 'dokkimi',
        types,
      })
      client.on('error', onLost)
      client.on('end', onLost)
      try {
        await client.connect()
      } catch (error) {
        client.removeAllListeners()
        client.on('error', () => undefined)
        void client.end().catch(() => undefined)
        throw error
      }
      return { client }
    },
    async run(conn, query, params, timeoutMs) {
      const bound = bindPostgresParams(query, params)
      if ('error' in bound) return { success: false, data: [], rowsAffected: 0, error: bound.error }
      if (conn.statementTimeoutMs !== timeoutMs) {
        await conn.client.query(`SET statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`)
        conn.statementTimeoutMs = timeoutMs
      }
      const result = (await conn.client.query({ text: bound.text, values: bound.values })) as pg.QueryResult | pg.QueryResult[]
      return rowsOf(result)
    },
    close: (conn) => conn.client.end(),
    destroy(conn) {
      conn.client.removeAllListeners()
      conn.client.on('error', () => undefined)
      void conn.client.end().catch(() => undefined)
    },
    classify,
  }
}
