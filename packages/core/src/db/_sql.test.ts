import { describe, expect, test } from 'vitest'
import { bindMysqlParams, bindPostgresParams } from './_sql.js'

describe('bindPostgresParams', () => {
  test('numbered params take keys "1"…"N"; a repeated $N reuses its value', () => {
    expect(bindPostgresParams('SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $1', { '1': 'x', '2': 7 })).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $1',
      values: ['x', 7],
    })
  })

  test('references are renumbered in order of appearance, so gaps do not matter', () => {
    expect(bindPostgresParams('SELECT $3::int, $10', { '3': 1, '10': 2, '1': 'unused' })).toEqual({ text: 'SELECT $1::int, $2', values: [1, 2] })
  })

  test('named params $name and :name bind to their keys, mixed with numbered ones', () => {
    expect(bindPostgresParams('SELECT * FROM t WHERE a = $email AND b = :status AND c = $1 AND d = :email', { email: 'e', status: 's', '1': 1 })).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = $1',
      values: ['e', 's', 1],
    })
  })

  test('::type casts, array slices and unknown names are left alone', () => {
    expect(bindPostgresParams('SELECT :id::int, arr[1:2], :other, x::text FROM t', { id: 5 })).toEqual({
      text: 'SELECT $1::int, arr[1:2], :other, x::text FROM t',
      values: [5],
    })
  })

  test('nothing is bound inside strings, quoted identifiers, dollar quotes or comments', () => {
    const sql = [
      "SELECT 'it''s $1 and :name', E'a\\' $1', \"col:name$1\"",
      '$$ :name $1 $$, $fn$ $1 $fn$',
      '-- $1 :name',
      '/* $1 /* nested :name */ $1 */',
      'FROM t WHERE x = :name AND y = $1',
    ].join('\n')
    const bound = bindPostgresParams(sql, { '1': 1, name: 'n' })
    expect(bound).toEqual({ text: sql.replace('x = :name AND y = $1', 'x = $1 AND y = $2'), values: ['n', 1] })
  })

  test('$ inside identifiers is not a param', () => {
    expect(bindPostgresParams('SELECT a$1 FROM t WHERE b = $1', { '1': 2 })).toEqual({ text: 'SELECT a$1 FROM t WHERE b = $1', values: [2] })
  })

  test('without params (or none referenced) the text is sent as is, several statements allowed', () => {
    expect(bindPostgresParams('DELETE FROM a; DELETE FROM b', undefined)).toEqual({ text: 'DELETE FROM a; DELETE FROM b', values: undefined })
    expect(bindPostgresParams('SELECT 1', {})).toEqual({ text: 'SELECT 1', values: undefined })
    expect(bindPostgresParams('SELECT 1', { x: 1 })).toEqual({ text: 'SELECT 1', values: undefined })
  })

  test('a numbered param without a value is an error', () => {
    expect(bindPostgresParams('SELECT $1, $2', { '1': 1 })).toMatchInlineSnapshot(`
      {
        "error": "no value for $2: params has no key "2" (keys: 1)",
      }
    `)
  })
})

describe('bindMysqlParams', () => {
  const escape = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replace(/'/g, "\\'")}'` : String(v))

  test('each ? takes the next key "1"…"N", escaped', () => {
    expect(bindMysqlParams('SELECT * FROM t WHERE a = ? AND b = ?', { '1': "it's", '2': 3 }, escape)).toEqual({
      text: "SELECT * FROM t WHERE a = 'it\\'s' AND b = 3",
      values: undefined,
    })
  })

  test('? inside strings, identifiers and comments is left alone', () => {
    const sql = "SELECT '?', \"a\\\"?\", `c?` -- ?\n, ? # ?\n/* ? */ FROM t"
    expect(bindMysqlParams(sql, { '1': 1 }, escape)).toEqual({ text: sql.replace(', ? #', ', 1 #'), values: undefined })
  })

  test('objects are bound as JSON text, undefined as NULL', () => {
    expect(bindMysqlParams('INSERT INTO t VALUES (?, ?)', { '1': { a: 1 }, '2': undefined }, escape)).toEqual({
      text: 'INSERT INTO t VALUES (\'{"a":1}\', NULL)',
      values: undefined,
    })
  })

  test('a ? without a value is an error; without params the text is sent as is', () => {
    expect(bindMysqlParams('SELECT ?, ?', { '1': 1 }, escape)).toMatchInlineSnapshot(`
      {
        "error": "no value for the 2nd "?": params has no key "2" (keys: 1)",
      }
    `)
    expect(bindMysqlParams('SELECT ?', undefined, escape)).toEqual({ text: 'SELECT ?', values: undefined })
  })
})
