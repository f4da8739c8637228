export type PathLookup = { found: true; value: unknown } | { found: false }

type Segment = { key: string } | { index: number }

// F-249: keys are anything but `.`, `[` and `]`; indexes may be negative.
const SEGMENT = /\.([^.[\]]+)|\[(-?\d+)\]/y

/** Splits `$.a.b[0]` / `$$.a` into its root and segments; undefined when malformed. */
export function parsePath(path: string): { root: '$' | '$$'; segments: Segment[] } | undefined {
  const root = path.startsWith('$$') ? '$$' : path.startsWith('$') ? '$' : undefined
  if (!root) return undefined
  const segments: Segment[] = []
  SEGMENT.lastIndex = root.length
  while (SEGMENT.lastIndex < path.length) {
    const m = SEGMENT.exec(path)
    if (!m) return undefined
    segments.push(m[1] !== undefined ? { key: m[1] } : { index: Number(m[2]) })
  }
  return { root, segments }
}

/**
 * Resolves a `$.` path (or `$$.` on a where candidate) in `doc` (F-249): keys exactly, then
 * case-insensitively; `[n]` indexes, negative from the end. No wildcards, filters or `.length`.
 */
export function resolvePath(doc: unknown, path: string): PathLookup {
  const parsed = parsePath(path)
  if (!parsed) return { found: false }
  let current = doc
  for (const seg of parsed.segments) {
    const next = child(current, seg)
    if (!next.found) return next
    current = next.value
  }
  return current === undefined ? { found: false } : { found: true, value: current }
}

function child(value: unknown, seg: Segment): PathLookup {
  if ('index' in seg) {
    if (!Array.isArray(value)) return { found: false }
    const i = seg.index < 0 ? value.length + seg.index : seg.index
    return i >= 0 && i < value.length && value[i] !== undefined ? { found: true, value: value[i] } : { found: false }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { found: false }
  const obj = value as Record<string, unknown>
  if (Object.hasOwn(obj, seg.key)) return obj[seg.key] === undefined ? { found: false } : { found: true, value: obj[seg.key] }
  const lower = seg.key.toLowerCase()
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower)
  return key === undefined || obj[key] === undefined ? { found: false } : { found: true, value: obj[key] }
}
