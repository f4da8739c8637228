// Row values as they go into the result document (F-144): numbers where a number is exact, dates
// as ISO strings, driver objects (BSON types, Buffers, bigint) as plain JSON values.

/** A numeric string as a number when the number is exact (safe integer, at most 15 significant digits); else the string. */
export function numberIfSafe(text: string): number | string {
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n)) return text
  if (/^[+-]?\d+$/.test(text)) return Number.isSafeInteger(n) ? n : text
  const digits = text
    .replace(/^[+-]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '')
  return digits.length <= 15 ? n : text
}

const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d+)?(?:([+-])(\d\d)(?::?(\d\d))?)?$/

/**
 * A PostgreSQL or MySQL timestamp text (`2024-01-02 03:04:05.123456+02`) as an ISO string in UTC;
 * one without an offset is taken as UTC. Anything else (infinity, BC dates, zero dates) is returned unchanged.
 */
export function timestampToIso(text: string): string {
  const m = TIMESTAMP.exec(text)
  if (!m) return text
  const [, y, mo, d, h, mi, s, frac = '', sign, oh, om = '00'] = m
  const ms = (frac + '000').slice(1, 4)
  const offset = sign ? `${sign}${oh}:${om}` : 'Z'
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset}`)
  return Number.isNaN(date.getTime()) ? text : date.toISOString()
}

interface BsonValue {
  _bsontype: string
  toHexString?: () => string
  toString(): string
  toNumber?: () => number
  valueOf(): unknown
}

/** Deep copy of a driver value as plain JSON: Dates as ISO strings, BSON ObjectIds as hex strings, bigint as number when safe. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (typeof value !== 'object') return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (typeof (value as BsonValue)._bsontype === 'string') return bsonToJson(value as BsonValue)
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v)
  return out
}

function bsonToJson(value: BsonValue): unknown {
  switch (value._bsontype) {
    case 'ObjectId':
      return value.toHexString ? value.toHexString() : value.toString()
    case 'Long':
    case 'Decimal128':
      return numberIfSafe(value.toString())
    case 'Int32':
    case 'Double':
      return value.valueOf()
    case 'Binary':
      return (value as unknown as { toString(encoding: string): string }).toString('base64')
    default:
      return value.toString()
  }
}
