import type { DatabaseItem } from '@dokkimi/resolver'
import mysql from 'mysql2/promise'
import type { TypeCast } from 'mysql2'
import { isNetworkError, type EngineDriver, type FailureKind } from './_client.js'
import { bindMysqlParams } from './_sql.js'
import { numberIfSafe, timestampToIso, toJsonValue } from './_values.js'
import type { DbEndpoint } from './open-database.js'

// DECIMAL as exact numbers, DATETIME/TIMESTAMP as ISO strings (UTC), DATE as text, JSON parsed
// (also MariaDB's JSON, which is text marked with the json format), BIT as a number (F-144).
const typeCast: TypeCast = (field, next) => {
  switch (field.type) {
    case 'NEWDECIMAL':
    case 'DECIMAL': {
      const text = field.string()
      return text === null ? null : numberIfSafe(text)
    }
    case 'DATETIME':
    case 'DATETIME2':
    case 'TIMESTAMP':
    case 'TIMESTAMP2': {
      const text = field.string()
      return text === null ? null : timestampToIso(text)
    }
    case 'DATE':
    case 'NEWDATE':
      return field.string()
    case 'BIT': {
      const buf = field.buffer()
      return buf === null ? null : buf.reduce((n, byte) => n * 256 + byte, 0)
    }
    case 'JSON':
      return next()
  }
  if (field.extendedFormat === 'json') {
    const text = field.string()
    if (text === null) return null
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
  }
  return next()
}

const AUTH_ERRNOS = new Set([1044, 1045, 1698]) // access denied (database, user), unix-socket auth
const TIMEOUT_ERRNOS = new Set([1969, 3024]) // MariaDB max_statement_time, MySQL max_execution_time

function classify(error: unknown): FailureKind {
  const e = (error ?? {}) as { errno?: unknown; code?: unknown; fatal?: unknown }
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'timeout'
  if (typeof e.errno === 'number' && AUTH_ERRNOS.has(e.errno)) return 'auth'
  if (typeof e.errno === 'number' && TIMEOUT_ERRNOS.has(e.errno)) return 'timeout'
  if (isNetworkError(error)) return 'transient'
  if (e.fatal === true) return 'lost'
  if (typeof e.errno === 'number' || typeof e.code === 'string') return 'statement'
  return 'lost'
}

export function mysqlDriver(item: DatabaseItem, endpoint: DbEndpoint): EngineDriver<mysql.Connection> {
  const creds = item.credentials
  const options: mysql.ConnectionOptions = {
    host: endpoint.host,
    port: endpoint.port,
    user: creds?.dbUser ?? 'root',
    password: creds?.dbPassword ?? '',
    database: creds?.dbName,
    connectTimeout: 10_000,
    multipleStatements: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    typeCast,
  }
  // A timed-out statement keeps running on the server: stop it from a second connection.
  const killQuery = async (threadId: number) => {
    const side = await mysql.createConnection({ ...options, connectTimeout: 5_000 })
    side.on('error', () => undefined)
    try {
      await side.query(`KILL QUERY ${threadId}`)
    } finally {
      side.destroy()
    }
  }
  return {
    engine: 'mysql',
    label: `mysql database "${item.name}" at ${endpoint.host}:${endpoint.port}`,
    guardGraceMs: 1000,
    async connect(onLost) {
      const conn = await mysql.createConnection(options)
      conn.on('error', onLost)
      conn.on('end', onLost)
      return conn
    },
    async run(conn, query, params, timeoutMs) {
      const bound = bindMysqlParams(query, params, (v) => conn.escape(v))
      if ('error' in bound) return { success: false, data: [], rowsAffected: 0, error: bound.error }
      const [result] = await conn.query({ sql: bound.text, timeout: timeoutMs })
      if (!Array.isArray(result)) {
        return { success: true, data: [], rowsAffected: (result as mysql.ResultSetHeader).affectedRows, error: null }
      }
      // CALL answers with its result sets followed by a status header: keep the first set.
      const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[])
      return { success: true, data: rows.map(toJsonValue), rowsAffected: rows.length, error: null }
    },
    close: (conn) => conn.end(),
    destroy(conn) {
      const threadId = conn.threadId
      conn.removeAllListeners()
      conn.on('error', () => undefined)
      conn.destroy()
      if (threadId) void killQuery(threadId).catch(() => undefined)
    },
    classify,
  }
}
