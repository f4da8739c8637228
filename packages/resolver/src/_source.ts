import { readFileSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Document } from 'yaml'

/** A place in a source file; line and column are 1-based (0 when unknown). */
export interface SourcePos {
  file: string
  line: number
  column: number
}

interface NodeMeta {
  self: SourcePos
  children: Map<string | number, SourcePos>
}

// Positions of parsed objects and arrays. Values derived from parsed nodes (merged items,
// normalised seed steps) get their positions copied with `carryPositions`.
const metas = new WeakMap<object, NodeMeta>()

export function setMeta(target: object, self: SourcePos, children = new Map<string | number, SourcePos>()): void {
  metas.set(target, { self, children })
}

export function positionOf(value: unknown): SourcePos | undefined {
  return isObjectLike(value) ? metas.get(value)?.self : undefined
}

export function childPosition(container: unknown, key: string | number): SourcePos | undefined {
  return isObjectLike(container) ? metas.get(container)?.children.get(key) : undefined
}

export function setChildPosition(container: object, key: string | number, pos: SourcePos | undefined): void {
  if (!pos) return
  let meta = metas.get(container)
  if (!meta) {
    meta = { self: pos, children: new Map() }
    metas.set(container, meta)
  }
  meta.children.set(key, pos)
}

/**
 * Copies the position of `from` onto `to`, and the child positions of keys both share (or of
 * `renames[newKey] = oldKey`), so issues on a rewritten node still point at what the user wrote.
 */
export function carryPositions(to: object, from: unknown, renames: Record<string, string> = {}): void {
  if (!isObjectLike(from)) return
  const src = metas.get(from)
  if (!src) return
  const children = new Map<string | number, SourcePos>()
  const existing = metas.get(to)
  if (existing) for (const [k, v] of existing.children) children.set(k, v)
  for (const key of Object.keys(to)) {
    const pos = src.children.get(renames[key] ?? key) ?? src.children.get(Array.isArray(from) ? Number(key) : key)
    if (pos && !children.has(Array.isArray(to) ? Number(key) : key)) children.set(Array.isArray(to) ? Number(key) : key, pos)
  }
  metas.set(to, { self: existing?.self ?? src.self, children })
}

/** Walks `path` from `root` and returns the deepest known source position. */
export function locate(root: unknown, path: readonly (string | number)[], fallback: SourcePos): SourcePos {
  let pos = positionOf(root) ?? fallback
  let cur: unknown = root
  for (const seg of path) {
    if (!isObjectLike(cur)) break
    const child = childPosition(cur, seg)
    if (child) pos = child
    cur = (cur as Record<string | number, unknown>)[seg]
    const own = positionOf(cur)
    if (own && !child) pos = own
  }
  return pos
}

function isObjectLike(v: unknown): v is object {
  return typeof v === 'object' && v !== null
}

export type ParseResult =
  | { ok: true; value: unknown; text: string }
  | { ok: false; message: string; line: number; column: number; text: string }

/** Parses a `.json` (strict JSON) or `.yml`/`.yaml` (single YAML document) file with positions (F-003). */
export function parseSource(file: string, raw: string): ParseResult {
  // A leading byte order mark is not content (editors do not count it as a column).
  const text = raw.replace(/^\uFEFF/, '')
  const isYaml = /\.ya?ml$/i.test(extname(file))
  if (!isYaml) {
    try {
      JSON.parse(text)
    } catch (error) {
      const message = (error as Error).message
      const { line, column } = jsonErrorPosition(message, text)
      const short = message
        .replace(/\s*\(line \d+ column \d+\)/, '')
        .replace(/ in JSON at position \d+/, '')
        .replace(/, (\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
      return { ok: false, message: short, line, column, text }
    }
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false })
  const err = doc.errors[0]
  if (err) {
    const p = lineCounter.linePos(err.pos[0])
    return { ok: false, message: firstLine(err.message), line: p.line, column: p.col, text }
  }
  const posAt = (offset: number | undefined): SourcePos => {
    if (offset === undefined) return { file, line: 0, column: 0 }
    const p = lineCounter.linePos(offset)
    return { file, line: p.line, column: p.col }
  }
  try {
    const value = toPlain({ doc, posAt, aliases: 0, nodes: 0, resolving: new Set() }, doc.contents, 0)
    return { ok: true, value, text }
  } catch (error) {
    if (!(error instanceof TooComplex)) throw error
    const p = posAt(error.offset)
    return { ok: false, message: `document too complex: ${error.message}`, line: p.line, column: p.column, text }
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim()
}

function jsonErrorPosition(message: string, text: string): { line: number; column: number } {
  const lc = /\(line (\d+) column (\d+)\)/.exec(message)
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) }
  const at = /at position (\d+)/.exec(message)
  const offset = at ? Number(at[1]) : firstBadOffset(text)
  const before = text.slice(0, offset).split('\n')
  return { line: before.length, column: before.at(-1)!.length + 1 }
}

/**
 * V8 gives no position for "Unexpected token 'x'" errors: find the shortest prefix of the text
 * that already fails with an error inside it (not just "ends too early"); its last character is
 * the offending one.
 */
function firstBadOffset(text: string): number {
  const fails = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n))
      return false
    } catch (error) {
      const message = (error as Error).message
      if (/end of JSON input/.test(message)) return false
      const at = /at position (\d+)/.exec(message)
      return at ? Number(at[1]) < n : true
    }
  }
  let lo = 0
  let hi = text.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (fails(mid)) hi = mid
    else lo = mid + 1
  }
  return Math.max(0, lo - 1)
}

const MAX_DEPTH = 200
const MAX_FILE_BYTES = 16 * 1024 * 1024
// Aliases are expanded into copies; these bounds stop "billion laughs" documents (a file whose
// aliases expand exponentially) the way the yaml library's own toJS does.
const MAX_ALIASES = 1000
const MAX_NODES = 1_000_000

class TooComplex extends Error {
  constructor(
    message: string,
    readonly offset: number | undefined,
  ) {
    super(message)
  }
}

interface Walk {
  doc: Document
  posAt: (o: number | undefined) => SourcePos
  aliases: number
  nodes: number
  resolving: Set<Node>
}

function toPlain(w: Walk, node: Node | null | undefined, depth: number): unknown {
  if (node == null) return null
  if (depth > MAX_DEPTH) throw new TooComplex(`nesting deeper than ${MAX_DEPTH} levels`, node.range?.[0])
  if (++w.nodes > MAX_NODES) throw new TooComplex(`aliases expand to more than ${MAX_NODES} values`, node.range?.[0])
  if (isAlias(node)) {
    const target = node.resolve(w.doc) as Node | undefined
    if (++w.aliases > MAX_ALIASES) throw new TooComplex(`more than ${MAX_ALIASES} alias expansions`, node.range?.[0])
    if (target && w.resolving.has(target)) throw new TooComplex(`alias *${node.source} refers to itself`, node.range?.[0])
    if (target) w.resolving.add(target)
    try {
      return toPlain(w, target, depth + 1)
    } finally {
      if (target) w.resolving.delete(target)
    }
  }
  if (isScalar(node)) return node.value === undefined ? null : node.value
  if (isMap(node)) {
    const out: Record<string, unknown> = {}
    const children = new Map<string | number, SourcePos>()
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode)
      // An own "__proto__" key stays data: it must not set the object's prototype.
      Object.defineProperty(out, key, { value: toPlain(w, pair.value as Node | null, depth + 1), enumerable: true, writable: true, configurable: true })
      children.set(key, w.posAt(keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0]))
    }
    metas.set(out, { self: w.posAt(node.range?.[0]), children })
    return out
  }
  if (isSeq(node)) {
    const out: unknown[] = []
    const children = new Map<string | number, SourcePos>()
    node.items.forEach((item, i) => {
      out.push(toPlain(w, item as Node | null, depth + 1))
      children.set(i, w.posAt((item as Node | null)?.range?.[0]))
    })
    metas.set(out, { self: w.posAt(node.range?.[0]), children })
    return out
  }
  return null
}

/** Reads and parses a file; I/O failures are reported like parse failures. */
export function readSource(file: string): ParseResult | { ok: false; missing: true; message: string; line: 0; column: 0; text: '' } {
  let text: string
  try {
    // Only regular files of a sane size: a FIFO would block and /dev/zero would exhaust memory.
    const st = statSync(file)
    if (!st.isFile()) return { ok: false, message: 'not a regular file', line: 0, column: 0, text: '' }
    if (st.size > MAX_FILE_BYTES) return { ok: false, message: `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`, line: 0, column: 0, text: '' }
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return { ok: false, missing: true, message: (error as NodeJS.ErrnoException).code ?? String(error), line: 0, column: 0, text: '' }
  }
  return parseSource(file, text)
}
