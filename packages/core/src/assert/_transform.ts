import { resolvePath } from './resolve-path.js'
import { isPlainObject, typeName } from './_values.js'

export type SourceKind = 'path' | 'count' | 'length' | 'type' | 'keys' | 'values' | 'entries'

/** Applies a source transform (F-261..F-264) to a resolved value. */
export function transform(kind: SourceKind, value: unknown): { value: unknown } | { error: string } {
  switch (kind) {
    case 'path':
      return { value }
    case 'count':
    case 'length':
      if (Array.isArray(value) || typeof value === 'string') return { value: value.length }
      return { error: `${kind} needs an array or a string, got ${typeName(value)}` }
    case 'type':
      return { value: typeName(value) }
    case 'keys':
    case 'values':
    case 'entries': {
      if (!isPlainObject(value)) return { error: `${kind} needs an object, got ${typeName(value)}` }
      return { value: objectTransform(kind, value) }
    }
  }
}

/** Sorted keys, values in key order, or `[{key, value}]` in key order (F-182, F-263). */
export function objectTransform(kind: 'keys' | 'values' | 'entries', value: Record<string, unknown>): unknown[] {
  const keys = Object.keys(value).sort()
  if (kind === 'keys') return keys
  if (kind === 'values') return keys.map((k) => value[k])
  return keys.map((k) => ({ key: k, value: value[k] }))
}

/** `{from: '$.path', transform?}` value references (F-265); undefined when `value` is not one. */
export function resolveValueRef(value: unknown, doc: unknown): { value: unknown; error?: string } | undefined {
  if (!isPlainObject(value) || typeof value.from !== 'string' || !value.from.startsWith('$')) return undefined
  if (Object.keys(value).some((k) => k !== 'from' && k !== 'transform')) return undefined
  const from = value.from
  const hit = resolvePath(doc, from)
  if (!hit.found) return { value: undefined, error: `value reference '${from}' not found in document` }
  if (value.transform === undefined) return { value: hit.value }
  const kind = String(value.transform)
  if (!['length', 'type', 'keys', 'values', 'entries'].includes(kind)) return { value: undefined, error: `unknown transform '${kind}' in value reference` }
  const out = transform(kind as SourceKind, hit.value)
  return 'error' in out ? { value: undefined, error: `value reference '${from}': ${out.error}` } : { value: out.value }
}
