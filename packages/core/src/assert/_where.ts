import type { WhereEntry } from '@dokkimi/resolver'
import { interpolateValue } from '../variables/interpolate.js'
import { applyOperator } from './apply-operator.js'
import { resolvePath } from './resolve-path.js'
import { resolveValueRef } from './_transform.js'
import { clip, showBare } from './_values.js'

/** A where entry with its value interpolated and value references resolved, ready to test candidates. */
export type PreparedWhere =
  | { kind: 'cond'; path: string; operator: string; expected: unknown; error?: string }
  | { kind: 'or' | 'and'; items: PreparedWhere[] }
  | { kind: 'not'; item: PreparedWhere }

/** Interpolates where values (F-030 keep) and resolves `{from}` references against the root document (F-223, F-265). */
export function prepareWhere(entry: WhereEntry, doc: unknown, vars: Record<string, unknown>): PreparedWhere {
  if (entry.or) return { kind: 'or', items: entry.or.map((e) => prepareWhere(e, doc, vars)) }
  if (entry.and) return { kind: 'and', items: entry.and.map((e) => prepareWhere(e, doc, vars)) }
  if (entry.not) return { kind: 'not', item: prepareWhere(entry.not, doc, vars) }
  const value = interpolateValue(entry.value, vars, { onMissing: 'keep' })
  const ref = resolveValueRef(value, doc)
  const cond: PreparedWhere = { kind: 'cond', path: entry.path ?? '$$', operator: entry.operator ?? '', expected: ref ? ref.value : value }
  if (ref?.error) cond.error = ref.error
  return cond
}

/** The candidate's value at a where path (`undefined` when missing). */
export function candidateValue(path: string, candidate: unknown): unknown {
  const hit = resolvePath(candidate, path)
  return hit.found ? hit.value : undefined
}

/** Whether a candidate (`$$`) satisfies a where entry; `not` of an unusable condition stays false. */
export function holds(w: PreparedWhere, candidate: unknown): boolean {
  switch (w.kind) {
    case 'cond':
      return w.error === undefined && applyOperator(w.operator, candidateValue(w.path, candidate), w.expected).passed
    case 'or':
      return w.items.some((i) => holds(i, candidate))
    case 'and':
      return w.items.every((i) => holds(i, candidate))
    case 'not':
      return !holds(w.item, candidate)
  }
}

/** `origin eq order-service`, `or(request.url contains /users, …)`: the where entry as one short phrase. */
export function describeWhere(w: PreparedWhere): string {
  switch (w.kind) {
    case 'cond': {
      const path = w.path === '$$' ? '$$' : w.path.replace(/^\$\$\./, '')
      if (w.error) return `${path} ${w.operator} (${w.error})`
      return ['exists', 'notExists', 'isEmpty', 'notEmpty'].includes(w.operator) ? `${path} ${w.operator}` : `${path} ${w.operator} ${showBare(w.expected)}`
    }
    case 'or':
    case 'and':
      return `${w.kind}(${w.items.map(describeWhere).join(', ')})`
    case 'not':
      return `not(${describeWhere(w.item)})`
  }
}

/** `{path: $.traffic, where: [origin eq order-service, …]}` (cut to stay one readable line). */
export function describeMatch(path: string, where: PreparedWhere[]): string {
  if (where.length === 0) return `{path: ${path}}`
  return `{path: ${path}, where: [${clip(where.map(describeWhere).join(', '), 300)}]}`
}

const LOG_ROOT = /^\$\.(traffic|consoleLogs|dbLogs|messageLogs|timeline)(\.|\[|$)/

/** Whether a path reads one of the step's log sources, which can still grow until traffic is quiet. */
export function isLogPath(path: string): boolean {
  return LOG_ROOT.test(path)
}
