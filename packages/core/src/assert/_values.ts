import { renderValue } from '../variables/interpolate.js'

/** JSON type name of a value (F-262). */
export function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value === 'object' ? 'object' : typeof value
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Strict deep equality of JSON values, no coercion. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
  }
  return false
}

/** `eq` equality (F-267): numbers equal numeric strings, booleans equal "true"/"false" in any case, composites deep-equal. */
export function looseEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a === 'number' && typeof b === 'string') return numericString(b) === a
  if (typeof a === 'string' && typeof b === 'number') return numericString(a) === b
  if (typeof a === 'boolean' && typeof b === 'string') return b.toLowerCase() === String(a)
  if (typeof a === 'string' && typeof b === 'boolean') return a.toLowerCase() === String(b)
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => looseEqual(v, b[i]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && looseEqual(a[k], b[k]))
  }
  return false
}

/** The number a numeric string denotes, or undefined ("" and " " are not numbers). */
export function numericString(s: string): number | undefined {
  if (s.trim() === '') return undefined
  const n = Number(s)
  return Number.isFinite(n) ? n : undefined
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string') return numericString(value)
  return undefined
}

/** Text of a value for substring and regex checks: strings as is, others rendered (F-028). */
export const stringify = renderValue

const MAX = 80

/** A value for a one-line message: JSON, cut to ~80 characters (STYLE rule 15). */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return clip(text)
}

/** A value written bare (where descriptions): strings unquoted, others JSON; cut to ~80 characters. */
export function showBare(value: unknown): string {
  return typeof value === 'string' ? clip(value) : show(value)
}

export function clip(text: string, max = MAX): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ')
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine
}
