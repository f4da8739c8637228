import { toJsonValue } from './_values.js'

/**
 * Splits a Redis command line on whitespace, grouping double-quoted runs (`SET k "a b"`); inside
 * quotes `\"` and `\\` escape (F-143).
 */
export function splitRedisCommand(line: string): { args: string[] } | { error: string } {
  const args: string[] = []
  let i = 0
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++
    if (i >= line.length) break
    let arg = ''
    while (i < line.length && !/\s/.test(line[i]!)) {
      if (line[i] === '"') {
        const start = i
        i++
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) i++
          arg += line[i]
          i++
        }
        if (i >= line.length) return { error: `unterminated quote in Redis command at column ${start + 1}: ${line}` }
        i++
      } else {
        arg += line[i]
        i++
      }
    }
    args.push(arg)
  }
  if (args.length === 0) return { error: 'empty Redis command' }
  return { args }
}

/** Rows of a Redis reply: HGETALL → one field→value row, array → one `{value}` row per element, nil → none, else `[{value}]`. */
export function redisReplyRows(command: string, reply: unknown): Record<string, unknown>[] {
  if (reply === null || reply === undefined) return []
  if (command.toUpperCase() === 'HGETALL' && Array.isArray(reply)) {
    if (reply.length === 0) return []
    const row: Record<string, unknown> = {}
    for (let i = 0; i + 1 < reply.length; i += 2) row[String(toJsonValue(reply[i]))] = toJsonValue(reply[i + 1])
    return [row]
  }
  if (typeof reply === 'object' && !Array.isArray(reply) && !Buffer.isBuffer(reply)) {
    return Object.keys(reply).length === 0 ? [] : [toJsonValue(reply) as Record<string, unknown>]
  }
  if (Array.isArray(reply)) return reply.map((value) => ({ value: toJsonValue(value) }))
  return [{ value: toJsonValue(reply) }]
}
