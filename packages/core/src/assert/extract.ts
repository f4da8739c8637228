import type { Step } from '@dokkimi/resolver'
import { interpolateString, interpolateValue, setVariable } from '../variables/interpolate.js'
import { regexError, toRegExp } from './apply-operator.js'
import { resolvePath } from './resolve-path.js'
import type { AssertionResult, RootContext } from './types.js'
import { isLogPath } from './_where.js'
import { makeResult, type Evaluated, type Scope } from './_evaluate.js'
import { objectTransform } from './_transform.js'
import { isPlainObject, show, typeName } from './_values.js'

/** A step or block `extract` map (F-180..F-185). */
export type Extract = NonNullable<Step['extract']>
type Rule = Extract[string]

/**
 * Runs a step-level `extract` against the root context and writes the values into `vars`
 * (F-180..F-184): path, regex and transform forms, in alphabetical order of variable name.
 * `blockIndex` is -1 for a step-level extract.
 */
export function runExtract(extract: Extract, root: RootContext, vars: Record<string, unknown>, blockIndex = -1): AssertionResult[] {
  const doc: Record<string, unknown> = { ...root, variables: vars }
  return extractIn(extract, { doc, vars, blockIndex }).map((e) => e.result)
}

/** Runs an extract map in a scope; names may contain `{{}}` (F-185); each value is visible to the rules after it. */
export function extractIn(extract: Extract, scope: Scope): Evaluated[] {
  const rules = Object.entries(extract)
    .map(([key, rule]) => [interpolateString(key, scope.vars, { onMissing: 'keep' }), rule] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return rules.map(([name, rule]) => {
    const out = extractOne(rule, scope)
    const path = out.path
    const log = path !== undefined && (isLogPath(path) || /^\$\.(match|matches|lastMatch)(\.|\[|$)/.test(path))
    const base = { kind: 'extract' as const, source: `extract ${name}`, ...(path === undefined ? {} : { path }) }
    if ('error' in out) return { result: makeResult(scope, { ...base, passed: false, error: out.error, message: `Failed to extract variable '${name}': ${out.error}` }), log, absence: false }
    setVariable(scope.vars, name, out.value)
    return { result: makeResult(scope, { ...base, passed: true, actual: out.value, message: `extracted ${name} = ${show(out.value)}` }), log, absence: false }
  })
}

type Outcome = ({ value: unknown } | { error: string }) & { path?: string }

function extractOne(rule: Rule, scope: Scope): Outcome {
  if (typeof rule === 'string') return fromPath(rule, scope)
  if (rule.transform !== undefined) {
    let source: Outcome
    if (rule.from !== undefined) {
      const value = interpolateValue(rule.from, scope.vars, { onMissing: 'keep' })
      const missing = typeof value === 'string' ? /^\{\{([^{}]+)\}\}$/.exec(value) : null
      source = missing ? { error: `variable '${missing[1]}' is not defined` } : { value }
    } else source = fromPath(rule.path ?? '', scope)
    if ('error' in source) return source
    if (!isPlainObject(source.value)) return { ...source, error: `transform ${rule.transform} needs an object, got ${typeName(source.value)}` }
    return { ...source, value: objectTransform(rule.transform, source.value) }
  }
  const source = fromPath(rule.path ?? '', scope)
  if ('error' in source || rule.pattern === undefined) return source
  return regex(source, rule.pattern, rule.group ?? 1)
}

function fromPath(raw: string, scope: Scope): Outcome {
  const path = interpolateString(raw, scope.vars, { onMissing: 'keep' })
  const hit = resolvePath(scope.doc, path)
  return hit.found ? { path, value: hit.value } : { path, error: `path '${path}' not found` }
}

// F-181: the value as text (JSON for non-strings), the regex applied, one group as a string.
function regex(source: { value: unknown; path?: string }, pattern: string, group: number): Outcome {
  const text = typeof source.value === 'string' ? source.value : JSON.stringify(source.value)
  let re: RegExp
  try {
    re = toRegExp(pattern)
  } catch (error) {
    return { ...source, error: `invalid pattern ${JSON.stringify(pattern)}: ${regexError(error)}` }
  }
  const m = re.exec(text)
  if (!m) return { ...source, error: `pattern ${JSON.stringify(pattern)} did not match ${show(text)}` }
  if (group >= m.length) return { ...source, error: `group ${group} out of range: pattern ${JSON.stringify(pattern)} has ${m.length - 1} group${m.length === 2 ? '' : 's'}` }
  return { ...source, value: m[group] ?? '' }
}
