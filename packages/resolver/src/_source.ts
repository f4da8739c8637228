import { readFileSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import { FAILSAFE_SCHEMA, load as loadYaml, Type, type State } from 'js-yaml'
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Node, type Document } from 'yaml'

/** A place in a source file; line and column are 1-based (0 when unknown). */
export interface SourcePos {
  file: string
  line: number
  column: number
}

type Key = string | number

interface NodeMeta {
  /** Where the node starts; for parsed nodes, worked out from `parsed` when asked for. */
  self: SourcePos | undefined
  /** Positions set on this node (parsed by the yaml library, or set later). */
  own: Map<Key, SourcePos> | undefined
  /** Positions of a parsed node, as offsets into its file's text. */
  parsed: Parsed | undefined
  /** Positions carried from another node, looked up when asked for (`carryPositions`). */
  carry: Carry | undefined
  /** Set once another node carries from this one: writes then go to a copy. */
  shared: boolean
}

// Every meta is built here, with the same fields in the same order (one object shape).
function meta(self: SourcePos | undefined, own: Map<Key, SourcePos> | undefined, parsed?: Parsed, carry?: Carry): NodeMeta {
  return { self, own, parsed, carry, shared: false }
}

/** A parsed file's text, with its line starts once a position in it is asked for. */
interface SourceText {
  file: string
  text: string
  starts?: number[]
}

interface Parsed {
  source: SourceText
  self: number
  /** Keys of a map, in order; null for a sequence. */
  keys: string[] | null
  offsets: number[]
}

interface Carry {
  src: NodeMeta
  /** The keys the target had when it was carried to; only those get positions. */
  keys: string[]
  renames: Record<string, string>
  toArray: boolean
  fromArray: boolean
}

// Positions of parsed objects and arrays. Values derived from parsed nodes (merged items,
// normalised seed steps) get their positions carried over with `carryPositions`.
interface MetaStore {
  get(target: object): NodeMeta | undefined
  set(target: object, meta: NodeMeta): unknown
}
let metas: MetaStore = new WeakMap<object, NodeMeta>()

/**
 * Runs `fn` with a position store of its own, dropped when it returns: one resolution's hundreds
 * of thousands of nodes cost the garbage collector far less in a Map than in the shared WeakMap.
 */
export function withPositionStore<T>(fn: () => T): T {
  const previous = metas
  metas = new Map<object, NodeMeta>()
  try {
    return fn()
  } finally {
    metas = previous
  }
}

export function setMeta(target: object, self: SourcePos, children = new Map<Key, SourcePos>()): void {
  metas.set(target, meta(self, children))
}

export function positionOf(value: unknown): SourcePos | undefined {
  if (!isObjectLike(value)) return undefined
  const meta = metas.get(value)
  return meta && selfOf(meta)
}

function selfOf(meta: NodeMeta): SourcePos | undefined {
  if (!meta.self && meta.parsed) meta.self = positionAt(meta.parsed.source, meta.parsed.self)
  return meta.self
}

function positionAt(source: SourceText, offset: number): SourcePos {
  if (offset < 0) return { file: source.file, line: 0, column: 0 }
  const starts = (source.starts ??= lineStarts(source.text))
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return { file: source.file, line: lo + 1, column: offset - starts[lo]! + 1 }
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

export function childPosition(container: unknown, key: Key): SourcePos | undefined {
  if (!isObjectLike(container)) return undefined
  const meta = metas.get(container)
  return meta && lookup(meta, key)
}

function lookup(meta: NodeMeta, key: Key): SourcePos | undefined {
  const own = meta.own?.get(key)
  if (own) return own
  const p = meta.parsed
  if (p) {
    // As a Map of the entries would: numbers for sequences, strings for maps.
    const i = p.keys ? (typeof key === 'string' ? p.keys.indexOf(key) : -1) : typeof key === 'number' && Number.isInteger(key) && key >= 0 ? key : -1
    if (i >= 0 && i < p.offsets.length) return positionAt(p.source, p.offsets[i]!)
  }
  const c = meta.carry
  if (!c) return undefined
  // The key as the target had it: an index for arrays, a string for objects.
  let name: string
  if (c.toArray) {
    if (typeof key !== 'number') return undefined
    name = String(key)
  } else {
    if (typeof key !== 'string') return undefined
    name = key
  }
  if (!c.keys.includes(name)) return undefined
  return lookup(c.src, c.renames[name] ?? name) ?? lookup(c.src, c.fromArray ? Number(name) : name)
}

/** Every child position of `meta`, carried ones included. */
function allChildren(meta: NodeMeta): Map<Key, SourcePos> {
  const out = new Map(meta.own)
  const p = meta.parsed
  if (p) {
    p.offsets.forEach((offset, i) => {
      const key = p.keys ? p.keys[i]! : i
      if (!out.has(key)) out.set(key, positionAt(p.source, offset))
    })
  }
  const c = meta.carry
  if (c) {
    for (const name of c.keys) {
      const key = c.toArray ? Number(name) : name
      if (out.has(key)) continue
      const pos = lookup(c.src, c.renames[name] ?? name) ?? lookup(c.src, c.fromArray ? Number(name) : name)
      if (pos) out.set(key, pos)
    }
  }
  return out
}

/** The meta of `target`, copied first if other nodes carry from it. */
function writable(target: object, m: NodeMeta): NodeMeta {
  if (!m.shared) return m
  const copy = meta(selfOf(m), new Map(m.own), m.parsed, m.carry)
  metas.set(target, copy)
  return copy
}

export function setChildPosition(container: object, key: Key, pos: SourcePos | undefined): void {
  if (!pos) return
  let m = metas.get(container)
  if (!m) {
    m = meta(pos, new Map())
    metas.set(container, m)
  } else m = writable(container, m)
  ;(m.own ??= new Map()).set(key, pos)
}

/** Sets the position of `target` itself; its child positions stay as they are. */
export function replaceSelfPosition(target: object, self: SourcePos): void {
  const m = metas.get(target)
  metas.set(target, m ? meta(self, m.own && new Map(m.own), m.parsed, m.carry) : meta(self, new Map()))
}

/** Sets the position of `target` itself, keeping the positions of the children it has now. */
export function setSelfPosition(target: object, self: SourcePos): void {
  const m = metas.get(target)
  const kept = new Map<Key, SourcePos>()
  if (m) {
    if (Array.isArray(target)) {
      target.forEach((_, i) => {
        const pos = lookup(m, i)
        if (pos) kept.set(i, pos)
      })
    } else {
      for (const k of Object.keys(target)) {
        const pos = lookup(m, k)
        if (pos) kept.set(k, pos)
      }
    }
  }
  metas.set(target, meta(self, kept))
}

/**
 * Copies the position of `from` onto `to`, and the child positions of keys both share (or of
 * `renames[newKey] = oldKey`), so issues on a rewritten node still point at what the user wrote.
 * Child positions are looked up when asked for, as they were at the time of the call.
 */
export function carryPositions(to: object, from: unknown, renames: Record<string, string> = {}): void {
  if (!isObjectLike(from)) return
  const src = metas.get(from)
  if (!src) return
  src.shared = true
  const existing = metas.get(to)
  const carry: Carry = { src, keys: Object.keys(to), renames, toArray: Array.isArray(to), fromArray: Array.isArray(from) }
  metas.set(to, meta((existing && selfOf(existing)) ?? selfOf(src), existing && allChildren(existing), undefined, carry))
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
  return parseYamlDocument(file, text)
}

/**
 * Parses YAML (and JSON, which is YAML) into plain values with positions.
 *
 * Two libraries, one result. js-yaml reads a plain document about ten times faster than the yaml
 * library (bench/validate), so it goes first; its parse events give each map key and sequence
 * item its offset. Anything beyond plain data (anchors and aliases, explicit tags, directives, a
 * shape the events do not line up with), the few layouts js-yaml reads more leniently, and every
 * error go to the yaml library, whose values, positions and messages are the reference:
 * test/parse-equivalence.test.ts holds the two paths to the same values and positions.
 */
export function parseYamlDocument(file: string, text: string): ParseResult {
  fastPathAgrees ??= checkFastPath()
  const fast = fastPathAgrees ? parsePlainYaml(file, text) : undefined
  if (fast !== undefined) return { ok: true, value: fast.value, text }
  return parseWithYamlLibrary(file, text)
}

let fastPathAgrees: boolean | undefined

// Every layout the fast path takes: block and flow collections, nesting, quoting, block scalars,
// comments, empty values, JSON. The fast path reads js-yaml's parse events and state, which are
// not its documented API: should an installed js-yaml ever place them differently, this sample
// no longer agrees with the yaml library and every document goes to the yaml library.
const SAMPLE = `# sample
name: checkout # trailing
items:
  - $ref: ../shared/a.yaml
  -   { type: SERVICE, name: "b", port: 8080, env: [ {name: X, value: '1'} ] }
  - type: DATABASE

    initFilePaths:
      - init/01.sql
steps:
- action:
    query: |
      SELECT 1
    body: >-
      folded
      text
  empty:
  list: [1, 2.5, true, null, ~, "q"]
json: {"a": {"b": [1, {"c": null}]}}
`

/** Whether the fast path gives the yaml library's values and positions on a sample (checked once). */
export function checkFastPath(sample = SAMPLE): boolean {
  const file = '(sample)'
  try {
    const fast = parsePlainYaml(file, sample)
    const ref = parseWithYamlLibrary(file, sample)
    return fast !== undefined && ref.ok && samePositions(fast.value, ref.value)
  } catch {
    return false
  }
}

/** Same values, and the same position for every node, key and item. */
export function samePositions(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b)
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keys = Object.keys(b)
  if (Object.keys(a).length !== keys.length) return false
  const at = (p: SourcePos | undefined) => (p ? `${p.line}:${p.column}` : '')
  if (at(positionOf(a)) !== at(positionOf(b))) return false
  return keys.every((k) => {
    const key = Array.isArray(b) ? Number(k) : k
    return at(childPosition(a, key)) === at(childPosition(b, key)) && samePositions((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  })
}

/** The yaml library path: every document, every error. */
export function parseWithYamlLibrary(file: string, text: string): ParseResult {
  const source: SourceText = { file, text }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false })
  // Nodes keep offsets; line:column is worked out only for positions someone asks for.
  const posAt = (offset: number | undefined): SourcePos => (offset === undefined ? { file, line: 0, column: 0 } : positionAt(source, offset))
  const err = doc.errors[0]
  if (err) {
    const p = posAt(err.pos[0])
    return { ok: false, message: firstLine(err.message), line: p.line, column: p.column, text }
  }
  try {
    const value = toPlain({ doc, source, aliases: 0, nodes: 0, resolving: new Set() }, doc.contents, 0)
    return { ok: true, value, text }
  } catch (error) {
    if (!(error instanceof TooComplex)) throw error
    const p = posAt(error.offset)
    return { ok: false, message: `document too complex: ${error.message}`, line: p.line, column: p.column, text }
  }
}

// The YAML 1.2 core schema, as the yaml library resolves it (js-yaml's own int and float also
// read 0b101, -0x1F and +0o7 as numbers, and -.5 as a string).
const coreNull = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string | null) => s === null || /^(?:~|null|Null|NULL|)$/.test(s),
  construct: () => null,
})
const coreBool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && /^(?:true|True|TRUE|false|False|FALSE)$/.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
})
const coreInt = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(s),
  construct: (s: string) => (s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
})
const coreFloat = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string | null) =>
    s !== null && /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s),
  construct: (s: string) => (/nan$/i.test(s) ? NaN : /inf$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : parseFloat(s)),
})
const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [coreNull, coreBool, coreInt, coreFloat] })

/** A parse event frame: where the node's text starts, and the frames opened directly inside it. */
interface Frame {
  /** The node's first character (white space and comments before it skipped). */
  at: number
  children: Frame[] | undefined
  result: unknown
}

/** The offset of the first character at or after `i` that is not white space or a comment. */
function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++
    else if (c === 0x23 /* # */) {
      const eol = text.indexOf('\n', i)
      if (eol < 0) return text.length
      i = eol + 1
    } else return i
  }
}

class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain()

const isFlowStart = (c: number) => c === 0x5b /* [ */ || c === 0x7b /* { */
const isQuote = (c: number) => c === 0x22 /* " */ || c === 0x27 /* ' */

/**
 * The fast path: the value and positions of a plain document, or undefined to let the yaml
 * library decide (it is not plain data, or it is not valid).
 */
export function parsePlainYaml(file: string, text: string): { value: unknown } | undefined {
  const source: SourceText = { file, text }
  // A directive (%YAML 1.1 switches schemas): the yaml library's case. So is a byte order
  // mark: js-yaml drops a leading one, shifting every offset (parseSource drops it first), and
  // reads one inside the text differently; a carriage return that does not end a line; and a
  // tab in a line's indentation, which the yaml library refuses where js-yaml may not.
  // js-yaml itself refuses a second document.
  if (text.includes('\ufeff') || /^%/m.test(text) || /\r(?!\n)/.test(text) || /^ *\t/m.test(text)) return undefined
  const stack: Frame[] = [{ at: 0, children: undefined, result: undefined }]
  const seen = new Set<object>()
  const listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      const at = skipSpace(text, state.position)
      // Explicit tags are not plain data.
      if (text.charCodeAt(at) === 0x21 /* ! */) throw NOT_PLAIN
      stack.push({ at, children: undefined, result: undefined })
      return
    }
    const frame = stack.pop()!
    frame.result = state.result
    ;(stack[stack.length - 1]!.children ??= []).push(frame)
    // Nor are anchors and aliases. (js-yaml's state has the anchor of the node just read; the
    // typings leave it out.)
    if ((state as State & { anchor: string | null }).anchor !== null) throw NOT_PLAIN
    const c = text.charCodeAt(frame.at)
    if (isQuote(c) || isFlowStart(c)) {
      // Where js-yaml is more lenient than the yaml library (and the spec): a comment right
      // after the closing quote or bracket, and continuation lines of a quoted scalar or flow
      // collection inside a block collection indented too little.
      if (text.charCodeAt(state.position) === 0x23 /* # */) throw NOT_PLAIN
      if (text.lastIndexOf('\n', state.position - 1) > frame.at && !inFlowOrAtRoot(text, stack, frame.at)) throw NOT_PLAIN
    } else if (c === 0x7c /* | */ || c === 0x3e /* > */) {
      // A block scalar with an explicit indentation indicator: the two read it differently.
      if (/^[|>][-+]?[0-9]/.test(text.slice(frame.at, frame.at + 3))) throw NOT_PLAIN
    }
    const result: unknown = state.result
    if (typeof result !== 'object' || result === null || seen.has(result)) return
    // The first close of an object is the collection itself; later closes are frames that
    // only pass it on (js-yaml tries a block map first, then keeps what the try read).
    seen.add(result)
    recordPositions(source, frame, result)
  }
  let value: unknown
  try {
    value = loadYaml(text, { schema: CORE_SCHEMA, listener, maxDepth: MAX_DEPTH } as Parameters<typeof loadYaml>[1])
  } catch {
    return undefined
  }
  // An empty document: null, as the yaml library has it.
  return { value: value === undefined ? null : value }
}

/** Whether the node at `at` is the document itself or sits inside a flow collection. */
function inFlowOrAtRoot(text: string, stack: Frame[], at: number): boolean {
  // stack[0] is the document; frames starting where the node starts only pass it on.
  for (let i = stack.length - 1; i >= 1; i--) {
    const f = stack[i]!
    if (f.at === at) continue
    return isFlowStart(text.charCodeAt(f.at))
  }
  return true
}

function recordPositions(source: SourceText, frame: Frame, result: object): void {
  const children = frame.children ?? []
  if (Array.isArray(result)) {
    // One frame per item, holding that item (a `? key` pair in a flow sequence has none).
    if (children.length !== result.length) throw NOT_PLAIN
    for (let i = 0; i < children.length; i++) if (!Object.is(children[i]!.result, result[i])) throw NOT_PLAIN
    const offsets = children.map((c) => c.at)
    metas.set(result, meta(undefined, undefined, { source, self: frame.at, keys: null, offsets }))
    return
  }
  // Keys and values alternate; anything else (a key without a value, a pair in a flow
  // sequence) is left to the yaml library.
  if (children.length % 2 !== 0) throw NOT_PLAIN
  const keys: string[] = []
  const offsets: number[] = []
  for (let i = 0; i < children.length; i += 2) {
    const keyFrame = children[i]!
    const k = keyFrame.result
    // A collection as a key is not plain data.
    if (typeof k === 'object' && k !== null) throw NOT_PLAIN
    const key = String(k)
    if (!Object.hasOwn(result, key) || !Object.is((result as Record<string, unknown>)[key], children[i + 1]!.result)) throw NOT_PLAIN
    keys.push(key)
    offsets.push(keyFrame.at)
  }
  if (keys.length !== Object.keys(result).length) throw NOT_PLAIN
  // A block map starts at its first key.
  const self = source.text.charCodeAt(frame.at) === 0x7b || offsets.length === 0 ? frame.at : offsets[0]!
  metas.set(result, meta(undefined, undefined, { source, self, keys, offsets }))
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
  source: SourceText
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
    const keys: string[] = []
    const offsets: number[] = []
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode)
      // An own "__proto__" key stays data: it must not set the object's prototype.
      Object.defineProperty(out, key, { value: toPlain(w, pair.value as Node | null, depth + 1), enumerable: true, writable: true, configurable: true })
      keys.push(key)
      offsets.push(keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? -1)
    }
    metas.set(out, meta(undefined, undefined, { source: w.source, self: node.range?.[0] ?? -1, keys, offsets }))
    return out
  }
  if (isSeq(node)) {
    const out: unknown[] = []
    const offsets: number[] = []
    for (const item of node.items) {
      out.push(toPlain(w, item as Node | null, depth + 1))
      offsets.push((item as Node | null)?.range?.[0] ?? -1)
    }
    metas.set(out, meta(undefined, undefined, { source: w.source, self: node.range?.[0] ?? -1, keys: null, offsets }))
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
