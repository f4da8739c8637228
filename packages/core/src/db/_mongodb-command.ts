import { toJsonValue } from './_values.js'

const OPERATIONS = ['find', 'findOne', 'insertOne', 'insertMany', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany'] as const
export type MongoOperation = (typeof OPERATIONS)[number]

/** A dbQuery MongoDB command (F-142), parsed; values may still hold Extended JSON (`{"$oid": …}`). */
export interface MongoCommand {
  operation: MongoOperation
  collection: string
  filter: Record<string, unknown>
  document?: Record<string, unknown>
  documents?: Record<string, unknown>[]
  update?: Record<string, unknown> | Record<string, unknown>[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses and checks the JSON command text of a MongoDB dbQuery. */
export function parseMongoCommand(query: string): MongoCommand | { error: string } {
  let raw: unknown
  try {
    raw = JSON.parse(query)
  } catch (error) {
    return { error: `MongoDB query is not valid JSON: ${(error as Error).message}` }
  }
  if (!isObject(raw)) return { error: 'MongoDB query must be a JSON object like {"operation": "find", "collection": "orders"}' }
  const { operation, collection, filter = {}, document, documents, update } = raw
  if (typeof operation !== 'string' || !(OPERATIONS as readonly string[]).includes(operation))
    return { error: `MongoDB "operation" must be one of ${OPERATIONS.join(', ')}, got ${JSON.stringify(operation)}` }
  if (typeof collection !== 'string' || collection === '') return { error: 'MongoDB query needs a "collection" (non-empty string)' }
  if (!isObject(filter)) return { error: 'MongoDB "filter" must be an object' }
  const command: MongoCommand = { operation: operation as MongoOperation, collection, filter }
  if (operation === 'insertOne') {
    if (!isObject(document)) return { error: 'MongoDB insertOne needs a "document" object' }
    command.document = document
  }
  if (operation === 'insertMany') {
    if (!Array.isArray(documents) || documents.length === 0 || !documents.every(isObject))
      return { error: 'MongoDB insertMany needs a non-empty "documents" array of objects' }
    command.documents = documents
  }
  if (operation === 'updateOne' || operation === 'updateMany') {
    if (!isObject(update) && !(Array.isArray(update) && update.every(isObject)))
      return { error: `MongoDB ${operation} needs an "update" object (or pipeline array)` }
    command.update = update
  }
  return command
}

/** The result rows and count of a MongoDB operation's driver result. */
export function mongoResultRows(operation: MongoOperation, result: unknown): { data: unknown[]; rowsAffected: number } {
  const r = (isObject(result) ? result : {}) as Record<string, unknown>
  const count = (key: string) => (typeof r[key] === 'number' ? (r[key] as number) : 0)
  switch (operation) {
    case 'find': {
      const docs = (Array.isArray(result) ? result : []).map(toJsonValue)
      return { data: docs, rowsAffected: docs.length }
    }
    case 'findOne':
      return result === null || result === undefined ? { data: [], rowsAffected: 0 } : { data: [toJsonValue(result)], rowsAffected: 1 }
    case 'insertOne':
      return { data: [{ acknowledged: r.acknowledged === true, insertedId: toJsonValue(r.insertedId) }], rowsAffected: 1 }
    case 'insertMany': {
      const ids = isObject(r.insertedIds) ? Object.values(r.insertedIds).map(toJsonValue) : []
      return { data: [{ acknowledged: r.acknowledged === true, insertedCount: count('insertedCount'), insertedIds: ids }], rowsAffected: count('insertedCount') }
    }
    case 'updateOne':
    case 'updateMany':
      return {
        data: [
          {
            acknowledged: r.acknowledged === true,
            matchedCount: count('matchedCount'),
            modifiedCount: count('modifiedCount'),
            upsertedCount: count('upsertedCount'),
            upsertedId: toJsonValue(r.upsertedId),
          },
        ],
        rowsAffected: count('modifiedCount'),
      }
    case 'deleteOne':
    case 'deleteMany':
      return { data: [{ acknowledged: r.acknowledged === true, deletedCount: count('deletedCount') }], rowsAffected: count('deletedCount') }
  }
}
