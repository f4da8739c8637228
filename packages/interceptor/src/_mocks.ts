// MOCK rule matching (F-083..F-090). Rules are compiled once per configuration and sorted by
// specificity, so the first rule that matches a request is the one that wins.
import type { MockRule } from './types.js'
import type { Logger } from './_logger.js'

/** Body matchers look at this many bytes of the raw request body at most (F-088). */
export const BODY_MATCH_LIMIT = 1024 * 1024

const PATH_ANY = 0
const PATH_PREFIX = 1
const PATH_MID_STAR = 2
const PATH_PARAM = 3
const PATH_EXACT = 4

interface PathMatcher {
  rank: number
  /** Length of the pattern; only breaks ties between prefixes (the longer one is more specific). */
  length: number
  test(path: string): boolean
}

export interface CompiledMock {
  rule: MockRule
  index: number
  /** Host to compare, or undefined for any host. */
  host: string | undefined
  /** Port to compare when the target is `host:port`. */
  port: number | undefined
  path: PathMatcher
  /** Upper-case method, or undefined for any. */
  method: string | undefined
  origin: string | undefined
  /** Tests the raw body (first 1 MiB); undefined when the rule has no body matcher. */
  body: ((raw: BodyView) => boolean) | undefined
  /** Pre-encoded response. */
  response: MockResponse
}

export interface MockResponse {
  status: number
  /** Outgoing headers as a flat [name, value, …] list. */
  headers: string[]
  /** The same, lower-cased, as recorded. */
  recordHeaders: Record<string, string>
  body: Buffer
  delayMs: number
}

/** Lazily decoded view of the head of a request body, shared by all body matchers of one request. */
export class BodyView {
  #text: string | undefined
  #lower: string | undefined
  constructor(readonly raw: Buffer) {}
  get text(): string {
    return (this.#text ??= this.raw.subarray(0, BODY_MATCH_LIMIT).toString('utf8'))
  }
  get lower(): string {
    return (this.#lower ??= this.text.toLowerCase())
  }
}

export interface MockQuery {
  host: string
  port: number
  path: string
  method: string
  origin: string
}

/** Rules matching a request, ignoring body matchers, most specific first; ends at the first rule without a body matcher. */
export interface MockCandidates {
  rules: CompiledMock[]
  needsBody: boolean
}

const NO_CANDIDATES: MockCandidates = { rules: [], needsBody: false }
const HOST_CACHE_LIMIT = 4096

export class MockTable {
  readonly compiled: CompiledMock[]
  readonly size: number
  #byHost = new Map<string, CompiledMock[]>()

  constructor(rules: MockRule[], logger: Logger) {
    this.compiled = rules
      .map((rule, index) => compile(rule, index, logger))
      .sort((a, b) => score(b) - score(a) || b.path.length * Number(b.path.rank === PATH_PREFIX) - a.path.length * Number(a.path.rank === PATH_PREFIX) || a.index - b.index)
    this.size = this.compiled.length
  }

  candidates(q: MockQuery): MockCandidates {
    if (this.size === 0) return NO_CANDIDATES
    const rules = this.#forHost(q.host)
    let out: CompiledMock[] | undefined
    let needsBody = false
    const method = q.method.toUpperCase()
    for (const m of rules) {
      if (m.port !== undefined && m.port !== q.port) continue
      if (m.method !== undefined && m.method !== method) continue
      if (m.origin !== undefined && m.origin !== q.origin) continue
      if (!m.path.test(q.path)) continue
      ;(out ??= []).push(m)
      if (!m.body) break
      needsBody = true
    }
    return out ? { rules: out, needsBody } : NO_CANDIDATES
  }

  /** The winning rule among candidates, testing body matchers against `body` when needed. */
  select(c: MockCandidates, body: BodyView | undefined): CompiledMock | undefined {
    for (const m of c.rules) {
      if (!m.body) return m
      if (body && m.body(body)) return m
    }
    return undefined
  }

  /** The mock a user most likely meant for an unmatched call: same host first, then a similar host name. */
  nearest(host: string, path: string, method: string): MockRule | undefined {
    let best: { rule: MockRule; score: number } | undefined
    const segments = path.split('/')
    for (const m of this.compiled) {
      if (m.host === undefined) continue
      let s: number
      if (m.host === host || m.host.toLowerCase() === host.toLowerCase()) {
        s = 1000 + commonSegments(segments, m.rule.path.split('/')) * 10 + (m.method === undefined || m.method === method.toUpperCase() ? 5 : 0)
      } else {
        const d = distance(m.host.toLowerCase(), host.toLowerCase())
        const sameDomain = registrable(m.host) === registrable(host)
        if (!sameDomain && d > Math.max(2, Math.floor(Math.max(host.length, m.host.length) / 4))) continue
        s = 500 - d + (sameDomain ? 100 : 0)
      }
      if (!best || s > best.score) best = { rule: m.rule, score: s }
    }
    return best?.rule
  }

  #forHost(host: string): CompiledMock[] {
    let rules = this.#byHost.get(host)
    if (!rules) {
      rules = this.compiled.filter((m) => m.host === undefined || m.host === host)
      if (this.#byHost.size >= HOST_CACHE_LIMIT) this.#byHost.clear()
      this.#byHost.set(host, rules)
    }
    return rules
  }
}

function score(m: CompiledMock): number {
  return m.path.rank * 32 + (m.host !== undefined ? 16 : 0) + (m.method !== undefined ? 8 : 0) + (m.origin !== undefined ? 4 : 0) + (m.body ? 2 : 0)
}

function compile(rule: MockRule, index: number, logger: Logger): CompiledMock {
  const target = (rule.target ?? '').trim()
  let host: string | undefined
  let port: number | undefined
  if (target !== '' && target !== '*') {
    const colon = target.lastIndexOf(':')
    if (colon > 0 && !target.endsWith(']') && /^\d+$/.test(target.slice(colon + 1))) {
      host = target.slice(0, colon).replace(/^\[(.*)\]$/, '$1')
      port = Number(target.slice(colon + 1))
    } else {
      host = target.replace(/^\[(.*)\]$/, '$1')
    }
  }
  const method = rule.method && rule.method.trim() !== '*' && rule.method.trim() !== '' ? rule.method.trim().toUpperCase() : undefined
  const origin = rule.origin && rule.origin !== '*' ? rule.origin : undefined
  return {
    rule,
    index,
    host,
    port,
    path: compilePath(rule.path ?? '*'),
    method,
    origin,
    body: compileBody(rule, logger),
    response: compileResponse(rule),
  }
}

function compileBody(rule: MockRule, logger: Logger): CompiledMock['body'] {
  if (rule.bodyContains !== undefined && rule.bodyContains !== '') {
    const needle = rule.bodyContains.toLowerCase()
    return (b) => b.lower.includes(needle)
  }
  if (rule.bodyMatches !== undefined && rule.bodyMatches !== '') {
    let source = rule.bodyMatches
    let flags = ''
    const inline = /^\(\?([a-z]+)\)/.exec(source)
    if (inline) {
      flags = [...new Set(inline[1]!.replace(/[^ims]/g, ''))].join('')
      source = source.slice(inline[0].length)
    }
    let re: RegExp
    try {
      re = new RegExp(source, flags)
    } catch (error) {
      logger.warn('mock: invalid bodyMatches, the rule never matches', { mock: rule.name, error: (error as Error).message })
      return () => false
    }
    return (b) => re.test(b.text)
  }
  return undefined
}

/** Compiles a MOCK path pattern (F-084 and the decisions in README.md). */
export function compilePath(pattern: string): PathMatcher {
  const p = stripQuery(pattern.trim())
  if (p === '' || p === '*') return { rank: PATH_ANY, length: 0, test: () => true }
  const segs = p.split('/')
  const last = segs[segs.length - 1]!
  const prefix = last.endsWith('*')
  const fixed = prefix ? segs.slice(0, -1) : segs
  const lastPrefix = prefix ? last.slice(0, -1) : ''
  const kinds = fixed.map((s) => (s === '*' ? 'star' : /^:\w|^\{[^/{}]+\}$/.test(s) ? 'param' : 'literal'))
  const rank = prefix ? PATH_PREFIX : kinds.includes('star') ? PATH_MID_STAR : kinds.includes('param') ? PATH_PARAM : PATH_EXACT
  if (rank === PATH_EXACT) {
    const exact = trimSlash(p)
    return { rank, length: p.length, test: (path) => trimSlash(path) === exact }
  }
  const n = fixed.length
  const segMatch = (actual: string[]): boolean => {
    for (let i = 0; i < n; i++) {
      const kind = kinds[i]
      const a = actual[i]!
      if (kind === 'literal' ? a !== fixed[i] : a === '') return false
    }
    return true
  }
  if (!prefix) {
    return { rank, length: p.length, test: (path) => { const a = trimSlash(path).split('/'); return a.length === n && segMatch(a) } }
  }
  return {
    rank,
    length: p.length,
    test: (path) => {
      const a = trimSlash(path).split('/')
      if (lastPrefix === '') return a.length >= n && segMatch(a)
      return a.length > n && segMatch(a) && a[n]!.startsWith(lastPrefix)
    },
  }
}

function compileResponse(rule: MockRule): MockResponse {
  const headers: string[] = []
  const recordHeaders: Record<string, string> = {}
  let hasContentType = false
  for (const [name, value] of Object.entries(rule.headers ?? {}) as Array<[string, unknown]>) {
    const values = Array.isArray(value) ? value.map(String) : [typeof value === 'string' ? value : JSON.stringify(value)]
    const lower = name.toLowerCase()
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue
    if (lower === 'content-type') hasContentType = true
    for (const v of values) headers.push(name, v)
    recordHeaders[lower] = values.join(', ')
  }
  let body: Buffer
  if (rule.body === undefined || rule.body === null) {
    body = Buffer.alloc(0)
  } else if (typeof rule.body === 'string') {
    body = Buffer.from(rule.body)
    if (!hasContentType) {
      const type = looksLikeJson(rule.body) ? 'application/json' : 'text/plain; charset=utf-8'
      headers.push('content-type', type)
      recordHeaders['content-type'] = type
    }
  } else {
    body = Buffer.from(JSON.stringify(rule.body))
    if (!hasContentType) {
      headers.push('content-type', 'application/json')
      recordHeaders['content-type'] = 'application/json'
    }
  }
  headers.push('content-length', String(body.length), 'x-mocked', 'true')
  recordHeaders['content-length'] = String(body.length)
  recordHeaders['x-mocked'] = 'true'
  const status = Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599 ? rule.status : 200
  return { status, headers, recordHeaders, body, delayMs: Math.max(0, Number(rule.delayMs) || 0) }
}

function looksLikeJson(s: string): boolean {
  const t = s.trim()
  if (!(t.startsWith('{') || t.startsWith('['))) return false
  try {
    JSON.parse(t)
    return true
  } catch {
    return false
  }
}

function stripQuery(p: string): string {
  const q = p.indexOf('?')
  return q === -1 ? p : p.slice(0, q)
}

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p
}

function commonSegments(a: string[], b: string[]): number {
  let i = 0
  while (i < a.length && i < b.length && (a[i] === b[i] || b[i] === '*' || b[i]!.startsWith(':'))) i++
  return i
}

function registrable(host: string): string {
  return host.toLowerCase().split('.').slice(-2).join('.')
}

/** Levenshtein distance, capped for long inputs. */
function distance(a: string, b: string): number {
  if (a.length > 128 || b.length > 128) return Math.abs(a.length - b.length) + 128
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]!
}
