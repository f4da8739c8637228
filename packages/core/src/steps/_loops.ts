// Loops at test, step and action level (F-200..F-212). Assertion-block loops live with the
// assertion engine. One iterator drives forEach, for and repeat, sets `as` and the `name` meta
// variables (F-204), sleeps delayMs between iterations (F-211) and evaluates repeat `until` (F-203).
import { setTimeout as sleep } from 'node:timers/promises'
import type { Assertion } from '@dokkimi/resolver'
import { evaluateAssertion } from '../assert/evaluate-assertion.js'
import type { RootContext } from '../assert/types.js'
import { DokkimiError } from '../errors.js'
import { interpolateValue } from '../variables/interpolate.js'
import type { SelfDocument } from './_self.js'

export interface LoopSpec {
  as: string
  name?: string
  delayMs?: number
  items?: unknown
  from?: number
  to?: number
  step?: number
  count?: number
  until?: Assertion[]
  [body: string]: unknown
}

export type LoopKind = 'forEach' | 'for' | 'repeat'

export function loopOf(value: Record<string, unknown>): { kind: LoopKind; spec: LoopSpec } | undefined {
  for (const kind of ['forEach', 'for', 'repeat'] as const) {
    const spec = value[kind]
    if (spec && typeof spec === 'object') return { kind, spec: spec as LoopSpec }
  }
  return undefined
}

export interface IterationOutcome {
  failed: boolean
  /** May the loop go on after a failed iteration (stopOnFailure false, or repeat with until: F-212)? */
  continueOnFailure?: boolean
  /** The last self document, for repeat `until` (F-203). */
  self?: SelfDocument
}

export interface LoopSummary {
  iterations: number
  completed: boolean
  failed: boolean
}

/** Runs `body` once per iteration with the loop variables set in `vars`. */
export async function runLoop(
  kind: LoopKind,
  spec: LoopSpec,
  vars: Record<string, unknown>,
  body: (index: number, label: string) => Promise<IterationOutcome>,
  signal?: AbortSignal,
): Promise<LoopSummary> {
  const values = iterationValues(kind, spec, vars)
  let iterations = 0
  let completed = kind !== 'repeat'
  let failed = false
  for (let index = 0; index < values.length; index++) {
    if (signal?.aborted) break
    if (index > 0 && spec.delayMs) await sleep(spec.delayMs, undefined, signal ? { signal } : undefined).catch(() => {})
    const value = values[index]
    vars[spec.as] = value
    if (spec.name) vars[spec.name] = { ...(kind === 'forEach' ? { items: values } : {}), index }
    const outcome = await body(index, `[${spec.as}=${labelOf(value)}]`)
    iterations++
    if (outcome.failed) {
      failed = true
      if (!(outcome.continueOnFailure || (kind === 'repeat' && spec.until))) break
    }
    if (kind === 'repeat' && spec.until && untilHolds(spec.until, vars, outcome.self)) {
      completed = true
      break
    }
  }
  if (spec.name) vars[spec.name] = { ...(vars[spec.name] as object | undefined), completed, iterations }
  return { iterations, completed, failed }
}

function iterationValues(kind: LoopKind, spec: LoopSpec, vars: Record<string, unknown>): unknown[] {
  if (kind === 'repeat') return Array.from({ length: spec.count ?? 1 }, (_, i) => i)
  if (kind === 'for') {
    const step = spec.step ?? 1
    const out: number[] = []
    for (let i = spec.from ?? 0; step > 0 ? i <= (spec.to ?? 0) : i >= (spec.to ?? 0); i += step) out.push(i)
    return out
  }
  const items = interpolateValue(spec.items, vars, { onMissing: 'throw' })
  if (!Array.isArray(items))
    throw new DokkimiError('STEP_FAILED', `forEach items ${JSON.stringify(spec.items)} resolved to ${items === null ? 'null' : typeof items}, not an array`, { details: { items: spec.items } })
  return items
}

function untilHolds(until: Assertion[], vars: Record<string, unknown>, self: SelfDocument | undefined): boolean {
  const root: RootContext = {
    request: self?.request ?? {},
    response: self?.response ?? {},
    responseTime: self?.responseTime ?? null,
    variables: vars,
    traffic: [],
    consoleLogs: [],
    dbLogs: [],
    messageLogs: [],
    timeline: [],
  }
  return until.every((a) => evaluateAssertion(a, root, vars).passed)
}

function labelOf(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
