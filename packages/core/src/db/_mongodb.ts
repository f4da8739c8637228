import type { DatabaseItem } from '@dokkimi/resolver'
import { BSON, MongoClient, ObjectId, type Document } from 'mongodb'
import { isNetworkError, type EngineDriver, type FailureKind } from './_client.js'
import { mongoResultRows, parseMongoCommand, type MongoCommand } from './_mongodb-command.js'
import type { DbEndpoint, DbResponse } from './open-database.js'

function classify(error: unknown): FailureKind {
  const e = (error ?? {}) as { name?: unknown; code?: unknown }
  if (e.code === 18) return 'auth' // AuthenticationFailed
  if (e.code === 50) return 'timeout' // MaxTimeMSExpired
  if (typeof e.name === 'string' && /^Mongo(ServerSelection|Network|NetworkTimeout|TopologyClosed)Error$/.test(e.name)) return 'transient'
  if (isNetworkError(error)) return 'transient'
  if (typeof e.name === 'string' && /^(Mongo|BSON)/.test(e.name)) return 'statement'
  return 'lost'
}

const ejson = <T>(value: T): T => BSON.EJSON.deserialize(value as Document, { relaxed: true }) as T

// A 24-hex `_id` string also matches the ObjectId it spells, so ids read back from results work in filters.
function withIdForms(filter: Document): Document {
  const id: unknown = filter._id
  if (typeof id === 'string' && /^[0-9a-f]{24}$/i.test(id)) return { ...filter, _id: { $in: [id, new ObjectId(id)] } }
  return filter
}

async function execute(db: ReturnType<MongoClient['db']>, cmd: MongoCommand, maxTimeMS: number): Promise<unknown> {
  const collection = db.collection(cmd.collection)
  const filter = withIdForms(ejson(cmd.filter))
  switch (cmd.operation) {
    case 'find':
      return collection.find(filter, { maxTimeMS }).toArray()
    case 'findOne':
      return collection.findOne(filter, { maxTimeMS })
    case 'insertOne':
      return collection.insertOne(ejson(cmd.document!))
    case 'insertMany':
      return collection.insertMany(ejson(cmd.documents!))
    case 'updateOne':
      return collection.updateOne(filter, ejson(cmd.update!), { maxTimeMS })
    case 'updateMany':
      return collection.updateMany(filter, ejson(cmd.update!), { maxTimeMS })
    case 'deleteOne':
      return collection.deleteOne(filter, { maxTimeMS })
    case 'deleteMany':
      return collection.deleteMany(filter, { maxTimeMS })
  }
}

export function mongodbDriver(item: DatabaseItem, endpoint: DbEndpoint): EngineDriver<MongoClient> {
  const creds = item.credentials
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
  return {
    engine: 'mongodb',
    label: `mongodb database "${item.name}" at ${endpoint.host}:${endpoint.port}`,
    guardGraceMs: 1000,
    async connect(onLost) {
      const client = new MongoClient(`mongodb://${host}:${endpoint.port}/`, {
        ...(creds ? { auth: { username: creds.dbUser, password: creds.dbPassword }, authSource: 'admin' } : {}),
        directConnection: true,
        serverSelectionTimeoutMS: 5_000,
        connectTimeoutMS: 10_000,
        appName: 'dokkimi',
      })
      try {
        await client.connect()
      } catch (error) {
        await client.close().catch(() => undefined)
        throw error
      }
      client.on('topologyClosed', onLost)
      return client
    },
    async run(client, query, _params, timeoutMs): Promise<DbResponse> {
      const cmd = parseMongoCommand(query)
      if ('error' in cmd) return { success: false, data: [], rowsAffected: 0, error: cmd.error }
      const result = await execute(client.db(creds?.dbName ?? 'test'), cmd, timeoutMs)
      return { success: true, ...mongoResultRows(cmd.operation, result), error: null }
    },
    close: (client) => client.close(),
    destroy(client) {
      void client.close(true).catch(() => undefined)
    },
    classify,
  }
}
