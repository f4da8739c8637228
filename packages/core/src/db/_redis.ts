import type { DatabaseItem } from '@dokkimi/resolver'
import { Redis } from 'ioredis'
import { isNetworkError, type EngineDriver, type FailureKind } from './_client.js'
import { redisReplyRows, splitRedisCommand } from './_redis-command.js'
import type { DbEndpoint } from './open-database.js'

interface Connection {
  redis: Redis
}

function classify(error: unknown): FailureKind {
  if (error instanceof Error && error.name === 'ReplyError') {
    return /^(WRONGPASS|NOAUTH)\b/.test(error.message) ? 'auth' : 'statement'
  }
  if (isNetworkError(error)) return 'transient'
  return 'lost'
}

export function redisDriver(item: DatabaseItem, endpoint: DbEndpoint): EngineDriver<Connection> {
  return {
    engine: 'redis',
    label: `redis database "${item.name}" at ${endpoint.host}:${endpoint.port}`,
    guardGraceMs: 0,
    async connect(onLost) {
      const redis = new Redis({
        host: endpoint.host,
        port: endpoint.port,
        password: item.credentials?.dbPassword,
        lazyConnect: true,
        connectTimeout: 10_000,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      })
      // ioredis reports the reason of a failed connect (refused, WRONGPASS) as an 'error' event.
      let lastError: unknown
      redis.on('error', (error: unknown) => {
        lastError = error
      })
      try {
        await redis.connect()
      } catch (error) {
        redis.disconnect()
        throw lastError ?? error
      }
      redis.on('end', onLost)
      return { redis }
    },
    async run(conn, query) {
      const split = splitRedisCommand(query)
      if ('error' in split) return { success: false, data: [], rowsAffected: 0, error: split.error }
      const [command, ...args] = split.args as [string, ...string[]]
      const reply = await conn.redis.call(command, ...args)
      const data = redisReplyRows(command, reply)
      return { success: true, data, rowsAffected: data.length, error: null }
    },
    async close(conn) {
      await conn.redis.quit()
    },
    destroy(conn) {
      conn.redis.disconnect()
    },
    classify,
  }
}
