// MongoDB is not packaged in Debian, so no local image exists: the driver is covered by these pure tests only.
import { describe, expect, test } from 'vitest'
import { mongoResultRows, parseMongoCommand } from './_mongodb-command.js'

describe('parseMongoCommand', () => {
  test('parses a command, filter defaulting to {}', () => {
    expect(parseMongoCommand('{"operation":"findOne","collection":"orders","filter":{"orderId":"ORD-001"}}')).toEqual({
      operation: 'findOne',
      collection: 'orders',
      filter: { orderId: 'ORD-001' },
    })
    expect(parseMongoCommand('{"operation":"insertOne","collection":"c","document":{"a":1}}')).toEqual({
      operation: 'insertOne',
      collection: 'c',
      filter: {},
      document: { a: 1 },
    })
    expect(parseMongoCommand('{"operation":"updateMany","collection":"c","update":{"$set":{"a":1}}}')).toMatchObject({ update: { $set: { a: 1 } } })
  })

  test('invalid commands are errors', () => {
    const errors = [
      'not json',
      '[1]',
      '{"operation":"aggregate","collection":"c"}',
      '{"operation":"find"}',
      '{"operation":"find","collection":"c","filter":[]}',
      '{"operation":"insertOne","collection":"c"}',
      '{"operation":"insertMany","collection":"c","documents":[]}',
      '{"operation":"updateOne","collection":"c","filter":{}}',
    ].map((q) => (parseMongoCommand(q) as { error: string }).error)
    expect(errors).toMatchInlineSnapshot(`
      [
        "MongoDB query is not valid JSON: Unexpected token 'o', "not json" is not valid JSON",
        "MongoDB query must be a JSON object like {"operation": "find", "collection": "orders"}",
        "MongoDB "operation" must be one of find, findOne, insertOne, insertMany, updateOne, updateMany, deleteOne, deleteMany, got "aggregate"",
        "MongoDB query needs a "collection" (non-empty string)",
        "MongoDB "filter" must be an object",
        "MongoDB insertOne needs a "document" object",
        "MongoDB insertMany needs a non-empty "documents" array of objects",
        "MongoDB updateOne needs an "update" object (or pipeline array)",
      ]
    `)
  })
})

describe('mongoResultRows', () => {
  const oid = (hex: string) => ({ _bsontype: 'ObjectId', toHexString: () => hex })

  test('find → documents with ObjectIds as strings; findOne → [doc] or []', () => {
    expect(mongoResultRows('find', [{ _id: oid('a'.repeat(24)), n: 1 }])).toEqual({ data: [{ _id: 'a'.repeat(24), n: 1 }], rowsAffected: 1 })
    expect(mongoResultRows('findOne', { _id: oid('b'.repeat(24)) })).toEqual({ data: [{ _id: 'b'.repeat(24) }], rowsAffected: 1 })
    expect(mongoResultRows('findOne', null)).toEqual({ data: [], rowsAffected: 0 })
  })

  test('writes → one summary row; rowsAffected = inserted, modified or deleted count', () => {
    expect(mongoResultRows('insertOne', { acknowledged: true, insertedId: oid('c'.repeat(24)) })).toEqual({
      data: [{ acknowledged: true, insertedId: 'c'.repeat(24) }],
      rowsAffected: 1,
    })
    expect(mongoResultRows('insertMany', { acknowledged: true, insertedCount: 2, insertedIds: { 0: oid('1'.repeat(24)), 1: oid('2'.repeat(24)) } })).toEqual({
      data: [{ acknowledged: true, insertedCount: 2, insertedIds: ['1'.repeat(24), '2'.repeat(24)] }],
      rowsAffected: 2,
    })
    expect(mongoResultRows('updateMany', { acknowledged: true, matchedCount: 3, modifiedCount: 2, upsertedCount: 0, upsertedId: null })).toEqual({
      data: [{ acknowledged: true, matchedCount: 3, modifiedCount: 2, upsertedCount: 0, upsertedId: null }],
      rowsAffected: 2,
    })
    expect(mongoResultRows('deleteOne', { acknowledged: true, deletedCount: 1 })).toEqual({ data: [{ acknowledged: true, deletedCount: 1 }], rowsAffected: 1 })
  })
})
