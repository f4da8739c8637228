import { describe, expect, test } from 'vitest'
import { redisReplyRows, splitRedisCommand } from './_redis-command.js'

describe('splitRedisCommand', () => {
  test.each([
    ['GET key', ['GET', 'key']],
    ['  SET   k   v  ', ['SET', 'k', 'v']],
    ['SET k "a b"', ['SET', 'k', 'a b']],
    ['SET k ""', ['SET', 'k', '']],
    ['SET k "say \\"hi\\" \\\\ now"', ['SET', 'k', 'say "hi" \\ now']],
    ['SET k pre"mid dle"post', ['SET', 'k', 'premid dlepost']],
    ["SET k it's", ['SET', 'k', "it's"]],
    ['HSET h\tf\nv', ['HSET', 'h', 'f', 'v']],
  ])('%j', (line, args) => {
    expect(splitRedisCommand(line)).toEqual({ args })
  })

  test('an unterminated quote or an empty line is an error', () => {
    expect(splitRedisCommand('SET k "a b')).toMatchInlineSnapshot(`
      {
        "error": "unterminated quote in Redis command at column 7: SET k "a b",
      }
    `)
    expect(splitRedisCommand('   ')).toEqual({ error: 'empty Redis command' })
  })
})

describe('redisReplyRows', () => {
  test('scalar → one {value} row, nil → no row', () => {
    expect(redisReplyRows('GET', 'v')).toEqual([{ value: 'v' }])
    expect(redisReplyRows('INCR', 3)).toEqual([{ value: 3 }])
    expect(redisReplyRows('GET', null)).toEqual([])
  })

  test('array → one {value} row per element', () => {
    expect(redisReplyRows('LRANGE', ['a', 'b', null])).toEqual([{ value: 'a' }, { value: 'b' }, { value: null }])
    expect(redisReplyRows('KEYS', [])).toEqual([])
  })

  test('HGETALL → one row object of field → value (none for a missing hash)', () => {
    expect(redisReplyRows('hgetall', ['f1', 'v1', 'f2', 'v2'])).toEqual([{ f1: 'v1', f2: 'v2' }])
    expect(redisReplyRows('HGETALL', [])).toEqual([])
    expect(redisReplyRows('HGETALL', { f: 'v' })).toEqual([{ f: 'v' }])
  })
})
