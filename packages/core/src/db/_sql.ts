// Placeholder binding for SQL dbQuery steps (F-141). The scanners skip string literals, quoted
// identifiers and comments, so a `$1`, `:name` or `?` inside them is left alone.

export type BoundSql = { text: string; values: unknown[] | undefined } | { error: string }

const IDENT_START = /[A-Za-z_]/
const IDENT_PART = /[A-Za-z0-9_$]/

/** Index just past a `--` line comment starting at `i`. */
function skipLine(sql: string, i: number): number {
  const end = sql.indexOf('\n', i)
  return end === -1 ? sql.length : end + 1
}

/** Index just past a quoted run opened by `sql[i]`, with doubled quotes (and backslashes when `backslash`) escaping. */
function skipQuoted(sql: string, i: number, backslash: boolean): number {
  const quote = sql[i]
  let j = i + 1
  while (j < sql.length) {
    const ch = sql[j]
    if (backslash && ch === '\\') j += 2
    else if (ch === quote) {
      if (sql[j + 1] === quote) j += 2
      else return j + 1
    } else j++
  }
  return j
}

function skipBlockComment(sql: string, i: number, nested: boolean): number {
  let depth = 1
  let j = i + 2
  while (j < sql.length && depth > 0) {
    if (nested && sql.startsWith('/*', j)) {
      depth++
      j += 2
    } else if (sql.startsWith('*/', j)) {
      depth--
      j += 2
    } else j++
  }
  return j
}

function readIdent(sql: string, i: number): string {
  let j = i
  while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j]!)) j++
  return sql.slice(i, j)
}

/**
 * Binds `params` to a PostgreSQL statement: `$1…$N` take keys "1"…"N" (a repeated `$N` reuses the
 * value), and `$name` / `:name` take the key `name` when `params` has it (anything else is left
 * for the server, so `::type` casts and array slices keep working). References are renumbered in
 * order of appearance. Without params the text is sent as is (several statements allowed).
 */
export function bindPostgresParams(sql: string, params: Record<string, unknown> | undefined): BoundSql {
  if (params === undefined || Object.keys(params).length === 0) return { text: sql, values: undefined }
  const has = (key: string) => Object.prototype.hasOwnProperty.call(params, key)
  const index = new Map<string, number>()
  const values: unknown[] = []
  const ref = (key: string) => {
    let n = index.get(key)
    if (n === undefined) {
      values.push(params[key])
      n = values.length
      index.set(key, n)
    }
    return `$${n}`
  }
  let out = ''
  let i = 0
  let copied = 0
  while (i < sql.length) {
    const ch = sql[i]!
    const prev = i > 0 ? sql[i - 1]! : ''
    if (ch === '-' && sql[i + 1] === '-') i = skipLine(sql, i)
    else if (ch === '/' && sql[i + 1] === '*') i = skipBlockComment(sql, i, true)
    else if (ch === "'") i = skipQuoted(sql, i, /[eE]/.test(prev) && !IDENT_PART.test(sql[i - 2] ?? ''))
    else if (ch === '"') i = skipQuoted(sql, i, false)
    else if (ch === '$' && IDENT_PART.test(prev)) i++ // `$` inside an identifier such as a$1
    else if (ch === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++
      const key = String(Number(sql.slice(i + 1, j)))
      if (!has(key)) return { error: `no value for $${key}: params has no key "${key}" (keys: ${Object.keys(params).join(', ')})` }
      out += sql.slice(copied, i) + ref(key)
      copied = i = j
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length)
        i = end === -1 ? sql.length : end + tag[0].length
      } else if (IDENT_START.test(sql[i + 1] ?? '')) {
        const name = readIdent(sql, i + 1)
        if (has(name)) {
          out += sql.slice(copied, i) + ref(name)
          copied = i + 1 + name.length
        }
        i += 1 + name.length
      } else i++
    } else if (ch === ':' && sql[i + 1] === ':') i += 2
    else if (ch === ':' && IDENT_START.test(sql[i + 1] ?? '')) {
      const name = readIdent(sql, i + 1)
      if (has(name)) {
        out += sql.slice(copied, i) + ref(name)
        copied = i + 1 + name.length
      }
      i += 1 + name.length
    } else i++
  }
  if (values.length === 0) return { text: sql, values: undefined }
  return { text: out + sql.slice(copied), values }
}

const ORDINAL = ['1st', '2nd', '3rd']

/**
 * Binds `params` to a MySQL statement: each `?` takes the next key "1"…"N" and is replaced by
 * the escaped value (plain objects as JSON text). Without params the text is sent as is.
 */
export function bindMysqlParams(sql: string, params: Record<string, unknown> | undefined, escape: (value: unknown) => string): BoundSql {
  if (params === undefined || Object.keys(params).length === 0) return { text: sql, values: undefined }
  let out = ''
  let i = 0
  let copied = 0
  let n = 0
  while (i < sql.length) {
    const ch = sql[i]!
    if (ch === '-' && sql[i + 1] === '-' && /[\s]/.test(sql[i + 2] ?? ' ')) i = skipLine(sql, i)
    else if (ch === '#') i = skipLine(sql, i)
    else if (ch === '/' && sql[i + 1] === '*') i = skipBlockComment(sql, i, false)
    else if (ch === "'" || ch === '"') i = skipQuoted(sql, i, true)
    else if (ch === '`') i = skipQuoted(sql, i, false)
    else if (ch === '?') {
      n++
      const key = String(n)
      if (!Object.prototype.hasOwnProperty.call(params, key))
        return { error: `no value for the ${ORDINAL[n - 1] ?? `${n}th`} "?": params has no key "${key}" (keys: ${Object.keys(params).join(', ')})` }
      out += sql.slice(copied, i) + escape(mysqlValue(params[key]))
      copied = ++i
    } else i++
  }
  return { text: out + sql.slice(copied), values: undefined }
}

function mysqlValue(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !Buffer.isBuffer(value))
    return JSON.stringify(value)
  return value
}
