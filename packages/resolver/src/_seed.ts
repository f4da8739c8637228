import type { IssueSink } from './_context.js'
import { isObject } from './_refs.js'
import { carryPositions, childPosition, locate, positionOf, setChildPosition, type SourcePos } from './_source.js'

type Obj = Record<string, unknown>

// S-06: seed assertion `type`s (a section of the self document) and the root path they map to.
const SECTIONS: Record<string, string> = {
  'response.statusCode': '$.response.status',
  'response.status': '$.response.status',
  'response.body': '$.response.body',
  'response.headers': '$.response.headers',
  'request.body': '$.request.body',
  'request.headers': '$.request.headers',
  responseTime: '$.responseTime',
}
const SEED_ACTIONS: Record<string, string> = { http: 'httpRequest', database: 'dbQuery' }

/** True when a definition is written in the seed documents' format (S-01). */
export function isSeedDefinition(def: Obj): boolean {
  return Array.isArray(def.steps) && def.tests === undefined
}

/**
 * Rewrites the seed documents' format into the current one before validation (S-01..S-13), so
 * both formats share one model. Positions are carried over, so issues point at what was written.
 */
export function normaliseSeed(def: Obj, sink: IssueSink, fallback: SourcePos): Obj {
  const seedDefinition = isSeedDefinition(def)
  const out: Obj = { ...def }
  carryPositions(out, def)
  if (seedDefinition) {
    const test: Obj = { name: typeof def.name === 'string' && def.name ? def.name : 'steps', steps: def.steps }
    carryPositions(test, def)
    out.tests = [test]
    setChildPosition(out.tests as object, 0, childPosition(def, 'steps'))
    setChildPosition(out, 'tests', childPosition(def, 'steps'))
    delete out.steps
  }
  if (Array.isArray(out.tests)) {
    const before = out.tests
    const tests = before.map((t) => (isObject(t) ? normaliseTest(t, seedDefinition, sink, fallback) : t))
    if (tests.some((t, i) => t !== before[i])) {
      carryPositions(tests, before)
      out.tests = tests
    }
    setChildPosition(out, 'tests', childPosition(def, 'tests') ?? childPosition(def, 'steps'))
  }
  return out
}

function normaliseTest(test: Obj, seed: boolean, sink: IssueSink, fallback: SourcePos): Obj {
  let out = mapSteps(test, 'steps', seed, sink, fallback)
  for (const loop of ['forEach', 'for', 'repeat']) {
    if (!isObject(out[loop])) continue
    const mapped = mapSteps(out[loop] as Obj, 'steps', seed, sink, fallback)
    if (mapped === out[loop]) continue
    if (out === test) out = replaceIn(test, loop, mapped)
    else out[loop] = mapped
  }
  return out
}

/** `holder` with its `key` steps normalised; `holder` itself when no step changes. */
function mapSteps(holder: Obj, key: string, seed: boolean, sink: IssueSink, fallback: SourcePos): Obj {
  const steps = holder[key]
  if (!Array.isArray(steps)) return holder
  let changed = false
  const mapped = steps.map((s) => {
    const n = isObject(s) ? normaliseStep(s, seed, sink, fallback) : s
    if (n !== s) changed = true
    return n
  })
  if (!changed) return holder
  carryPositions(mapped, steps)
  const out = { ...holder, [key]: mapped }
  carryPositions(out, holder)
  return out
}

function normaliseStep(step: Obj, seedDefinition: boolean, sink: IssueSink, fallback: SourcePos): Obj {
  const action = isObject(step.action) ? step.action : undefined
  const seedType = typeof action?.type === 'string' && Object.hasOwn(SEED_ACTIONS, action.type) ? SEED_ACTIONS[action.type] : undefined
  const blocks = Array.isArray(step.assertions) ? step.assertions : []
  const seed = seedDefinition || seedType !== undefined || blocks.some((b) => isObject(b) && 'target' in b)
  let out: Obj = step
  const isDb = seedType === 'dbQuery' || action?.type === 'dbQuery'
  if (action && seedType) {
    // S-02, S-03
    const a: Obj = { ...action, type: seedType }
    if (seedType === 'dbQuery' && 'service' in a && !('database' in a)) {
      a.database = a.service
      delete a.service
    }
    if (typeof a.query === 'string') a.query = a.query.trim()
    carryPositions(a, action, { database: 'service' })
    out = replaceIn(out, 'action', a)
  }
  if (seed && isObject(out.extract)) out = replaceIn(out, 'extract', normaliseExtract(out.extract, isDb))
  if (Array.isArray(out.assertions) && blocks.some((b) => isObject(b) && ('target' in b || hasSeedEntries(b)))) {
    const mapped = out.assertions.map((b) => (isObject(b) ? normaliseBlock(b, isDb, sink, fallback) : b))
    carryPositions(mapped, out.assertions)
    out = replaceIn(out, 'assertions', mapped)
  }
  for (const loop of ['forEach', 'for', 'repeat']) {
    if (!isObject(out[loop])) continue
    const body = normaliseStep(out[loop] as Obj, seed, sink, fallback)
    if (body !== out[loop]) out = replaceIn(out, loop, body)
  }
  return out
}

function hasSeedEntries(block: Obj): boolean {
  return Array.isArray(block.assertions) && block.assertions.some(isSeedEntry)
}

function isSeedEntry(a: unknown): a is Obj {
  return isObject(a) && typeof a.type === 'string' && !a.type.startsWith('$') && !a.type.startsWith('{{')
}

/** S-08 / S-07: `response.body.order.id` → `$.response.body.order.id`; DB rows → `$.response.data`. */
function normaliseExtract(extract: Obj, isDb: boolean): Obj {
  const out: Obj = {}
  for (const [k, v] of Object.entries(extract)) out[k] = typeof v === 'string' && !v.startsWith('$') && !v.startsWith('{{') ? seedExtractPath(v, isDb) : v
  carryPositions(out, extract)
  return out
}

function seedExtractPath(p: string, isDb: boolean): string {
  if (isDb) {
    const rows = /^response\.body\.rows(.*)$/.exec(p)
    if (rows) return `$.response.data${rows[1]}`
  }
  if (/^(response|request)(\.|$)/.test(p) || p === 'responseTime') return `$.${p.replace(/^response\.statusCode$/, 'response.status')}`
  return p
}

/** S-04..S-13: a seed `target: self|httpCall` block → a self block or a match block. */
function normaliseBlock(block: Obj, isDb: boolean, sink: IssueSink, fallback: SourcePos): Obj {
  const target = block.target
  const out: Obj = { ...block }
  delete out.target
  if (target !== undefined && target !== 'self' && target !== 'httpCall') {
    sink.add('SEED_TARGET_UNKNOWN', locate(block, ['target'], fallback), { value: target })
  }
  const inMatch = target === 'httpCall'
  const entries = Array.isArray(block.assertions) ? block.assertions : []
  const mapped = entries.map((a) => (isSeedEntry(a) ? normaliseEntry(a, inMatch, isDb, sink, fallback) : a))
  carryPositions(mapped, entries)
  if (Array.isArray(block.assertions)) out.assertions = mapped
  if (inMatch && isObject(block.match)) {
    const m = block.match
    const where: Obj[] = []
    const cond = (key: string, path: string, operator: string) => {
      if (m[key] === undefined) return
      const entry: Obj = { path, operator, value: m[key] }
      setChildPosition(entry, 'value', childPosition(m, key))
      setChildPosition(where, where.length, childPosition(m, key))
      where.push(entry)
    }
    cond('origin', '$$.origin', 'eq') // S-05
    cond('method', '$$.request.method', 'eqIgnoreCase')
    cond('url', '$$.request.url', 'contains')
    const match: Obj = { path: '$.traffic' }
    if (where.length) match.where = where
    for (const k of Object.keys(m)) if (!['origin', 'method', 'url'].includes(k)) match[k] = m[k]
    const absenceChecks = entries.filter((a) => isObject(a) && a.operator === 'doesNotExist').length
    if (absenceChecks > 0 && absenceChecks === entries.length) {
      match.count = 0 // S-11
      delete out.assertions
    } else if (absenceChecks === 0 && match.count === undefined) match.count = { operator: 'gte', value: 1 } // S-12
    carryPositions(match, m)
    for (let i = 0; i < where.length; i++) setChildPosition(where, i, childPosition(where, i) ?? positionOf(m))
    out.match = match
  }
  carryPositions(out, block)
  return out
}

function normaliseEntry(a: Obj, inMatch: boolean, isDb: boolean, sink: IssueSink, fallback: SourcePos): Obj {
  const type = a.type as string
  const root = Object.hasOwn(SECTIONS, type) ? SECTIONS[type] : undefined
  const out: Obj = { ...a }
  delete out.type
  if (!root) {
    sink.add('SEED_ASSERTION_TYPE_UNKNOWN', locate(a, ['type'], fallback), { value: type })
    out.path = `$.${type}`
  } else {
    const rel = typeof a.path === 'string' ? a.path.replace(/^\$/, '') : ''
    const relPath = rel === '' || rel.startsWith('.') || rel.startsWith('[') ? rel : `.${rel}`
    let path = root + relPath
    if (isDb && type === 'response.body') path = path.replace(/^\$\.response\.body\.rows(?=$|[.[])/, '$.response.data').replace(/^\$\.response\.body\.(rowsAffected|success|error)(?=$|[.[])/, '$.response.$1')
    out.path = inMatch ? path.replace(/^\$\./, '$.match.') : path
  }
  if (a.operator === 'doesNotExist') out.operator = 'notExists' // S-09
  carryPositions(out, a, { path: a.path === undefined ? 'type' : 'path' })
  return out
}

function replaceIn(obj: Obj, key: string, value: unknown): Obj {
  const out = { ...obj, [key]: value }
  carryPositions(out, obj)
  return out
}
