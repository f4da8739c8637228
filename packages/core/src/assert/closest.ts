import type { WhereEntry } from '@dokkimi/resolver'
import type { ClosestCall, LogEntry } from './types.js'
import { candidateValue, holds, prepareWhere, type PreparedWhere } from './_where.js'
import { clip, isPlainObject, showBare } from './_values.js'

type Difference = ClosestCall['differences'][number]

export interface ClosestOptions {
  /** Document `{from}` where values resolve against. */
  root?: unknown
  /** Variables for `{{}}` in where values. */
  vars?: Record<string, unknown>
  /** @default 3 */
  limit?: number
}

/**
 * The captured entries closest to satisfying a match's `where`: ranked by how many entries they
 * satisfy, then by how similar the differing strings (url, origin, message, …) are; each with the
 * conditions it fails.
 */
export function closest(entries: readonly unknown[], where: readonly WhereEntry[], options: ClosestOptions = {}): ClosestCall[] {
  const prepared = where.map((w) => prepareWhere(w, options.root ?? {}, options.vars ?? {}))
  return closestPrepared(entries, prepared, options.limit ?? 3)
}

export function closestPrepared(entries: readonly unknown[], where: readonly PreparedWhere[], limit = 3): ClosestCall[] {
  if (where.length === 0) return []
  const ranked = entries.map((entry, order) => {
    const differences = where.flatMap((w) => explain(w, entry, true))
    const satisfied = where.filter((w) => holds(w, entry)).length
    const similarity = differences.reduce((sum, d) => sum + (typeof d.expected === 'string' && typeof d.actual === 'string' ? dice(d.expected, d.actual) : 0), 0)
    return { entry: entry as LogEntry, differences, satisfied, similarity, order }
  })
  ranked.sort((a, b) => b.satisfied - a.satisfied || b.similarity - a.similarity || a.order - b.order)
  return ranked.slice(0, limit).map(({ entry, differences }) => ({ entry, differences }))
}

// The leaf conditions that make `w` evaluate to the opposite of `want` for this candidate.
function explain(w: PreparedWhere, candidate: unknown, want: boolean): Difference[] {
  if (holds(w, candidate) === want) return []
  switch (w.kind) {
    case 'cond':
      return [{ path: w.path, operator: want ? w.operator : `not ${w.operator}`, expected: w.expected, actual: candidateValue(w.path, candidate) }]
    case 'not':
      return explain(w.item, candidate, !want)
    case 'and':
    case 'or':
      return w.items.flatMap((i) => explain(i, candidate, want))
  }
}

/** Sørensen–Dice coefficient over character bigrams of the first 200 characters, case-insensitive. */
export function dice(a: string, b: string): number {
  const x = a.slice(0, 200).toLowerCase()
  const y = b.slice(0, 200).toLowerCase()
  if (x === y) return 1
  if (x.length < 2 || y.length < 2) return 0
  const grams = new Map<string, number>()
  for (let i = 0; i < x.length - 1; i++) {
    const g = x.slice(i, i + 2)
    grams.set(g, (grams.get(g) ?? 0) + 1)
  }
  let shared = 0
  for (let i = 0; i < y.length - 1; i++) {
    const g = y.slice(i, i + 2)
    const n = grams.get(g) ?? 0
    if (n > 0) {
      grams.set(g, n - 1)
      shared++
    }
  }
  return (2 * shared) / (x.length + y.length - 2)
}

/** One short phrase naming a log entry: `POST http://host/path from origin`, `service ERROR "message"`. */
export function describeEntry(entry: unknown): string {
  if (!isPlainObject(entry)) return showBare(entry)
  const request = entry.request
  if (isPlainObject(request) && typeof request.url === 'string') {
    const from = typeof entry.origin === 'string' && entry.origin !== '' ? ` from ${entry.origin}` : ''
    const status = isPlainObject(entry.response) && typeof entry.response.status === 'number' ? ` → ${entry.response.status}` : ''
    return clip(`${String(request.method ?? '')} ${request.url}${from}${status}`, 120)
  }
  if (typeof entry.service === 'string' && typeof entry.message === 'string')
    return clip(`${entry.service} ${String(entry.level ?? '')} ${JSON.stringify(entry.message)}`, 120)
  return showBare(entry)
}
