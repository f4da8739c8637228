import type { Assertion, AssertionBlock, Match } from '@dokkimi/resolver'
import { setTimeout as sleep } from 'node:timers/promises'
import { interpolateString, interpolateValue, setVariable } from '../variables/interpolate.js'
import { applyOperator } from './apply-operator.js'
import { closestPrepared, describeEntry } from './closest.js'
import { resolvePath } from './resolve-path.js'
import type { ClosestCall, LogEntry, RootContext } from './types.js'
import { closestSuffix, evaluateIn, makeResult, type Evaluated, type MatchScope, type Scope } from './_evaluate.js'
import { extractIn, type Extract } from './extract.js'
import { describeMatch, holds, isLogPath, prepareWhere } from './_where.js'
import { clip, showBare, typeName } from './_values.js'

export interface BlockEvaluation {
  evaluated: Evaluated[]
  passed: boolean
  /** Entries the block's match selected (summed over a loop's per-iteration matches). */
  matched?: number
  /** Some match in the block filtered a log source. */
  logMatch: boolean
  /** The working copy of the variables after the block ran. */
  vars: Record<string, unknown>
}

interface LoopBody {
  as: string
  name?: string
  delayMs?: number
  match?: Match
  assertions?: Assertion[]
  extract?: Extract
}
type ForEachLoop = LoopBody & { items: unknown[] | string }
type ForLoop = LoopBody & { from: number; to: number; step?: number }
type RepeatLoop = LoopBody & { count: number; until?: Assertion[] }
type Loop = { kind: 'forEach'; body: ForEachLoop } | { kind: 'for'; body: ForLoop } | { kind: 'repeat'; body: RepeatLoop }

interface State {
  evaluated: Evaluated[]
  matched?: number
  logMatch: boolean
}

/**
 * Evaluates a block once on `root` with a copy of `vars` (F-230 order: match → as → count → loop →
 * assertions → extract); the caller decides whether to keep the copy's changes.
 */
export async function evaluateBlock(block: AssertionBlock, root: RootContext, liveVars: Record<string, unknown>, blockIndex: number): Promise<BlockEvaluation> {
  const vars = { ...liveVars }
  const state: State = { evaluated: [], logMatch: false }
  let scope: Scope = { doc: { ...root, variables: vars }, vars, blockIndex }
  const finish = (): BlockEvaluation => ({ ...state, vars, passed: state.evaluated.every((e) => e.result.passed) })

  if (block.match) {
    const pushed = runMatch(block.match, scope, state)
    if (!pushed) return finish()
    scope = pushed
  }
  const loop = loopOf(block)
  if (loop) await runLoop(loop, scope, state)
  else for (const a of block.assertions ?? []) state.evaluated.push(evaluateIn(a, scope))
  if (block.extract) state.evaluated.push(...extractIn(block.extract, scope))
  return finish()
}

// The resolver's inferred loop types omit the body keys (match, assertions, extract) it does parse.
export function loopOf(block: AssertionBlock): Loop | undefined {
  if (block.forEach) return { kind: 'forEach', body: block.forEach as ForEachLoop }
  if (block.for) return { kind: 'for', body: block.for as ForLoop }
  if (block.repeat) return { kind: 'repeat', body: block.repeat as RepeatLoop }
  return undefined
}

/** Filters the match array, stores `as`, checks `count`; returns the scope with `$.match*` pushed, or undefined when the block stops (F-222..F-229). */
function runMatch(match: Match, scope: Scope, state: State): Scope | undefined {
  const log = isLogPath(match.path)
  state.logMatch ||= log
  const noun = /^\$\.traffic$/.test(match.path) ? 'call' : 'entry'
  const fail = (error: string): undefined => {
    state.evaluated.push({ result: makeResult(scope, { kind: 'match-count', passed: false, source: `match ${match.path}`, path: match.path, error, message: error }), log, absence: false })
    return undefined
  }
  const hit = resolvePath(scope.doc, match.path)
  if (!hit.found) return fail(`match path '${match.path}' not found in document`)
  if (!Array.isArray(hit.value)) return fail(`match path '${match.path}' must resolve to an array, got ${typeName(hit.value)}`)
  const candidates: unknown[] = hit.value
  const where = (match.where ?? []).map((w) => prepareWhere(w, scope.doc, scope.vars))
  const matches = candidates.filter((c) => where.every((w) => holds(w, c)))
  state.matched = (state.matched ?? 0) + matches.length
  if (match.as !== undefined) setVariable(scope.vars, match.as, matches)

  const description = describeMatch(match.path, where)
  const count = match.count === undefined ? undefined : typeof match.count === 'number' ? { operator: 'eq', value: match.count } : match.count
  const tooFew = matches.length === 0 || (count !== undefined && matches.length < count.value)
  const matched = new Set(matches)
  const closest: ClosestCall[] = tooFew ? closestPrepared(candidates.filter((c) => !matched.has(c)), where) : []
  const pushed: MatchScope = { path: match.path, description, noun, log, count: matches.length, closest, candidates: candidates.length, entries: matches as LogEntry[] }

  if (count !== undefined) {
    const passed = applyOperator(count.operator, matches.length, count.value).passed
    const nouns = count.value === 1 ? noun : noun === 'call' ? 'calls' : 'entries'
    const phrase = `${count.operator} ${count.value} ${nouns} matching ${description}, found ${matches.length}`
    let message = passed ? `match count: ${phrase}` : `match count failed: expected ${phrase}`
    const fields: { closest?: ClosestCall[]; matched?: LogEntry[] } = {}
    if (!passed && matches.length > 0) fields.matched = matches as LogEntry[]
    if (!passed && tooFew) {
      message += closestSuffix(pushed)
      fields.closest = closest
    } else if (!passed) message += `; first: ${describeEntry(matches[0])}`
    const absence = count.operator === 'eq' || count.operator === 'lt' || count.operator === 'lte'
    const result = makeResult(scope, { kind: 'match-count', passed, source: `match ${match.path}`, path: match.path, operator: count.operator, expected: count.value, actual: matches.length, message, ...fields })
    state.evaluated.push({ result, log, absence })
    // F-225: a failing count skips the block's assertions.
    if (!passed) return undefined
  }
  const doc = { ...scope.doc, match: matches[0], matches, lastMatch: matches.at(-1) }
  return { ...scope, doc, match: pushed }
}

/** Block loops (F-208): every iteration's results are kept; `as`/`name` are removed afterwards (F-209). */
async function runLoop(loop: Loop, scope: Scope, state: State): Promise<void> {
  const { body } = loop
  const items = loopItems(loop, scope)
  if ('error' in items) {
    const source = loop.kind === 'forEach' ? `forEach ${String(loop.body.items)}` : loop.kind
    state.evaluated.push({ result: makeResult(scope, { kind: 'field', passed: false, source, error: items.error, message: items.error }), log: loop.kind === 'forEach' && typeof loop.body.items === 'string' && isLogPath(loop.body.items), absence: false })
    return
  }
  const saved = [body.as, body.name].filter((k): k is string => k !== undefined).map((k) => [k, Object.hasOwn(scope.vars, k), scope.vars[k]] as const)
  try {
    for (let index = 0; index < items.values.length; index++) {
      if (index > 0 && body.delayMs) await sleep(body.delayMs)
      const item = items.values[index]
      setVariable(scope.vars, body.as, item)
      if (body.name !== undefined) setVariable(scope.vars, body.name, loop.kind === 'forEach' ? { index, items: items.values } : { index })
      let iteration: Scope = { ...scope, iteration: { loop: loop.kind, index }, prefix: loopPrefix(body.as, item, index) }
      if (body.match) {
        const pushed = runMatch(body.match, iteration, state)
        if (!pushed) continue
        iteration = pushed
      }
      for (const a of body.assertions ?? []) state.evaluated.push(evaluateIn(a, iteration))
      if (body.extract) state.evaluated.push(...extractIn(body.extract, iteration))
      // F-203: all `until` assertions pass → stop early.
      if (loop.kind === 'repeat' && loop.body.until && loop.body.until.length > 0 && loop.body.until.every((a) => evaluateIn(a, iteration).result.passed)) break
    }
  } finally {
    // F-209 deletes loop variables; a variable the loop shadowed gets its value back.
    for (const [k, had, value] of saved) {
      if (had) setVariable(scope.vars, k, value)
      else delete scope.vars[k]
    }
  }
}

// `[i=3 #2] ` for scalar items, `[user #2] ` for objects and arrays.
function loopPrefix(as: string, item: unknown, index: number): string {
  return typeof item === 'object' && item !== null ? `[${as} #${index}] ` : `[${as}=${clip(showBare(item), 30)} #${index}] `
}

function loopItems(loop: Loop, scope: Scope): { values: unknown[] } | { error: string } {
  if (loop.kind === 'for') {
    const { from, to } = loop.body
    const step = loop.body.step ?? 1
    if (step === 0 || (step > 0 && from > to) || (step < 0 && from < to)) return { error: `for from ${from} to ${to} never ends with step ${step}` }
    const values: number[] = []
    for (let i = from; step > 0 ? i <= to : i >= to; i += step) values.push(i)
    return { values }
  }
  if (loop.kind === 'repeat') return { values: Array.from({ length: loop.body.count }, (_, i) => i) }
  const raw = loop.body.items
  if (Array.isArray(raw)) return { values: interpolateValue(raw, scope.vars, { onMissing: 'keep' }) as unknown[] }
  if (raw.startsWith('$')) {
    const path = interpolateString(raw, scope.vars, { onMissing: 'keep' })
    const hit = resolvePath(scope.doc, path)
    if (!hit.found) return { error: `forEach items '${path}' not found in document` }
    return Array.isArray(hit.value) ? { values: hit.value } : { error: `forEach items '${path}' must resolve to an array, got ${typeName(hit.value)}` }
  }
  const value = interpolateValue(raw, scope.vars, { onMissing: 'keep' })
  if (value === raw && /^\{\{[^{}]+\}\}$/.test(raw)) return { error: `forEach items '${raw}': variable '${raw.slice(2, -2)}' is not defined` }
  return Array.isArray(value) ? { values: value } : { error: `forEach items '${raw}' must resolve to an array, got ${typeName(value)}` }
}
