import { relative, sep } from 'node:path'
import { formatPath as fmt, type IssueSink, loadCached, type Project, resolveRefPath } from './_context.js'
import { carryPositions, childPosition, positionOf, replaceSelfPosition, setChildPosition, setMeta, setSelfPosition, type SourcePos } from './_source.js'

const MAX_DEPTH = 10
type Obj = Record<string, unknown>

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const at = (container: unknown, key: string | number, file: string): SourcePos =>
  childPosition(container, key) ?? positionOf(container) ?? { file, line: 0, column: 0 }

/** Where a resolved item came from: the innermost fragment file (base of relative paths, F-044). */
export interface Resolved<T> {
  value: T
  origin: string
}

interface RefScope {
  project: Project
  sink: IssueSink
  /** Every file read while resolving, for watch mode and for `files` in results. */
  files: Set<string>
}

/**
 * Loads the fragments named by `entry.$ref` (string or array) and shallow-merges them left to
 * right, then the sibling overrides on top, expanding `"...$ref.<path>"` in override arrays
 * (F-040..F-046). `chain` holds the files already on the resolution chain (cycle detection).
 */
export function resolveObjectRef(scope: RefScope, entry: Obj, file: string, path: (string | number)[], chain: string[]): Resolved<Obj> | undefined {
  const ref = entry.$ref
  if (ref === undefined) return { value: entry, origin: file }
  const refs = typeof ref === 'string' ? [ref] : Array.isArray(ref) && ref.every((r) => typeof r === 'string') ? (ref as string[]) : undefined
  if (!refs || refs.length === 0 || refs.some((r) => r.length === 0)) {
    scope.sink.add('REF_INVALID', at(entry, '$ref', file), { path: fmt([...path, '$ref']), value: ref })
    return undefined
  }
  const merged: Obj = {}
  let origin: string | undefined
  // One fragment (the usual case): its positions are carried, not copied key by key.
  const single = refs.length === 1
  for (const [i, r] of refs.entries()) {
    const refPos = Array.isArray(ref) ? at(ref, i, file) : at(entry, '$ref', file)
    const loaded = loadFragment(scope, r, file, refPos, path, chain)
    if (!loaded) return undefined
    origin ??= loaded.origin
    const value = loaded.value
    for (const k of Object.keys(value)) {
      merged[k] = value[k]
      if (!single) setChildPosition(merged, k, childPosition(value, k))
    }
    if (single) carryPositions(merged, value)
  }
  // The fragment as merged, for `...$ref` spreads in the overrides (copied only if there are any).
  const base = Object.keys(entry).some((k) => k !== '$ref' && Array.isArray(entry[k]) && hasSpread(entry[k])) ? { ...merged } : merged
  const out: Obj = merged
  if (single) replaceSelfPosition(out, positionOf(entry) ?? at(entry, '$ref', file))
  else setSelfPosition(out, positionOf(entry) ?? at(entry, '$ref', file))
  for (const k of Object.keys(entry)) {
    if (k === '$ref') continue
    const v = entry[k]
    out[k] = Array.isArray(v) ? expandSpread(scope, v, base, file, [...path, k]) : v
    setChildPosition(out, k, childPosition(entry, k))
  }
  return { value: out, origin: origin ?? file }
}

const hasSpread = (arr: unknown[]): boolean => arr.some((v) => typeof v === 'string' && v.startsWith('...$ref'))

function loadFragment(scope: RefScope, ref: string, file: string, refPos: SourcePos, path: (string | number)[], chain: string[]): Resolved<Obj> | undefined {
  const loaded = loadPlainFragment(scope, ref, file, refPos, path, chain)
  if (!loaded) return undefined
  if (!isObject(loaded.value)) {
    scope.sink.add('REF_NOT_OBJECT', refPos, { path: fmt([...path, '$ref']), value: loaded.value, message: `$ref ${JSON.stringify(ref)} must contain an object` })
    return undefined
  }
  return resolveObjectRef(scope, loaded.value, loaded.file, path, [...chain, loaded.file])
}

/** F-043: `"...$ref.<dot.path>"` in an override array is replaced by that array of the fragment. */
function expandSpread(scope: RefScope, arr: unknown[], base: Obj, file: string, path: (string | number)[]): unknown[] {
  if (!hasSpread(arr)) return arr
  const out: unknown[] = []
  const positions = new Map<number, SourcePos>()
  const push = (el: unknown, pos: SourcePos | undefined) => {
    if (pos) positions.set(out.length, pos)
    out.push(el)
  }
  arr.forEach((v, i) => {
    if (typeof v === 'string' && v.startsWith('...$ref')) {
      const keys = v.slice('...$ref'.length).split('.').filter(Boolean)
      let cur: unknown = base
      for (const k of keys) cur = isObject(cur) ? cur[k] : undefined
      if (Array.isArray(cur)) cur.forEach((el, j) => push(el, childPosition(cur, j)))
      else scope.sink.add('REF_SPREAD_MISSING', at(arr, i, file), { path: fmt([...path, i]), value: v })
      return
    }
    push(v, childPosition(arr, i))
  })
  setMeta(out, positionOf(arr) ?? at(arr, 0, file), positions)
  return out
}

/** F-048/F-049: `action: {$ref, ...overrides}` on a top-level step. */
export function resolveActionRef(scope: RefScope, action: Obj, file: string, path: (string | number)[], chain: string[] = [file]): Obj | undefined {
  if (action.$ref === undefined) return action
  const where = fmt([...path, '$ref'])
  if (typeof action.$ref !== 'string') {
    scope.sink.add('REF_INVALID', at(action, '$ref', file), { path: where, value: action.$ref, hint: 'Action $ref takes one path string.' })
    return undefined
  }
  const loaded = loadPlainFragment(scope, action.$ref, file, at(action, '$ref', file), path, chain)
  if (!loaded) return undefined
  const { value: fragment, file: fragFile } = loaded
  if (!isObject(fragment) || !isObject(fragment.action)) {
    scope.sink.add('ACTION_FRAGMENT_INVALID', at(action, '$ref', file), { path: where, message: `action fragment ${JSON.stringify(action.$ref)} must be a plain object with an "action" object` })
    return undefined
  }
  const extra = Object.keys(fragment).filter((k) => !['action', 'name', 'description'].includes(k))
  if (extra.length) scope.sink.add('ACTION_FRAGMENT_EXTRA_KEYS', positionOf(fragment) ?? at(action, '$ref', file), { path: where, value: extra.join(', ') })
  const inner = resolveActionRef(scope, fragment.action, fragFile, path, [...chain, fragFile])
  if (!inner) return undefined
  const out: Obj = { ...inner }
  setMeta(out, positionOf(inner) ?? at(action, '$ref', file))
  for (const k of Object.keys(inner)) setChildPosition(out, k, childPosition(inner, k))
  for (const [k, v] of Object.entries(action)) {
    if (k === '$ref') continue
    out[k] = v
    setChildPosition(out, k, childPosition(action, k))
  }
  return out
}

/** F-050: `{$ref}` entries of a ui action's `steps` are replaced by the fragment's steps. */
export function resolveUiStepRefs(scope: RefScope, steps: unknown[], file: string, path: (string | number)[], chain: string[] = [file]): unknown[] {
  if (!steps.some((s) => isObject(s) && '$ref' in s)) return steps
  const out: unknown[] = []
  steps.forEach((s, i) => {
    if (!isObject(s) || !('$ref' in s)) {
      setChildPosition(out, out.length, childPosition(steps, i))
      out.push(s)
      return
    }
    const where = [...path, i]
    if (typeof s.$ref !== 'string') {
      scope.sink.add('UI_FRAGMENT_INVALID', at(s, '$ref', file), { path: fmt([...where, '$ref']), message: 'UI sub-step $ref must be a string path' })
      return
    }
    const loaded = loadPlainFragment(scope, s.$ref, file, at(s, '$ref', file), where, chain)
    if (!loaded) return
    const { value: fragment, file: fragFile } = loaded
    if (!isObject(fragment) || !Array.isArray(fragment.steps)) {
      scope.sink.add('UI_FRAGMENT_INVALID', at(s, '$ref', file), { path: fmt([...where, '$ref']), message: `UI sub-step fragment ${JSON.stringify(s.$ref)} must be an object with a "steps" array` })
      return
    }
    const extra = Object.keys(fragment).filter((k) => !['steps', 'name', 'description'].includes(k))
    if (extra.length) scope.sink.add('UI_FRAGMENT_EXTRA_KEYS', positionOf(fragment) ?? at(s, '$ref', file), { path: fmt(where), value: extra.join(', ') })
    const inner = resolveUiStepRefs(scope, fragment.steps, fragFile, where, [...chain, fragFile])
    inner.forEach((el, j) => {
      setChildPosition(out, out.length, childPosition(inner, j))
      out.push(el)
    })
  })
  setSelfPosition(out, positionOf(steps) ?? { file, line: 0, column: 0 })
  return out
}

/** F-051: `variables: {$ref: path | [paths], ...inline}`; files may `$ref` further files. */
export function resolveVariablesRef(scope: RefScope, vars: Obj, file: string, path: (string | number)[], chain: string[] = [file]): Obj | undefined {
  if (vars.$ref === undefined) return vars
  const ref = vars.$ref
  const refs = typeof ref === 'string' ? [ref] : Array.isArray(ref) ? ref : undefined
  const where = fmt([...path, '$ref'])
  if (!refs || refs.some((r) => typeof r !== 'string')) {
    scope.sink.add('VARIABLES_REF_INVALID', at(vars, '$ref', file), { path: where, message: 'variables $ref must be a path string or an array of path strings' })
    return undefined
  }
  const out: Obj = {}
  setMeta(out, positionOf(vars) ?? at(vars, '$ref', file))
  for (const [i, r] of (refs as string[]).entries()) {
    const refPos = Array.isArray(ref) ? at(ref, i, file) : at(vars, '$ref', file)
    const loaded = loadPlainFragment(scope, r, file, refPos, path, chain)
    if (!loaded) return undefined
    if (!isObject(loaded.value)) {
      scope.sink.add('VARIABLES_REF_INVALID', refPos, { path: where, message: `variables file ${JSON.stringify(r)} must contain a plain object` })
      return undefined
    }
    const inner = resolveVariablesRef(scope, loaded.value, loaded.file, path, [...chain, loaded.file])
    if (!inner) return undefined
    for (const [k, v] of Object.entries(inner)) {
      if (!/^\w+$/.test(k)) {
        scope.sink.add('VARIABLES_REF_INVALID', childPosition(inner, k) ?? refPos, { path: fmt([...path, k]), message: `variable name ${JSON.stringify(k)} in ${JSON.stringify(r)} must match ^\\w+$` })
        continue
      }
      out[k] = v
      setChildPosition(out, k, childPosition(inner, k))
    }
  }
  for (const [k, v] of Object.entries(vars)) {
    if (k === '$ref') continue
    out[k] = v
    setChildPosition(out, k, childPosition(vars, k))
  }
  return out
}

function loadPlainFragment(scope: RefScope, ref: string, file: string, refPos: SourcePos, path: (string | number)[], chain: string[]): { value: unknown; file: string } | undefined {
  // Only issues need the formatted path.
  const where = () => fmt([...path, '$ref'])
  if (ref.length === 0) {
    scope.sink.add('REF_INVALID', refPos, { path: where(), value: ref })
    return undefined
  }
  const target = resolveRefPath(scope.project, ref, file)
  if (target.viaAncestor)
    scope.sink.add('REF_RESOLVED_BY_ANCESTOR', refPos, {
      path: where(),
      value: ref,
      message: `$ref ${JSON.stringify(ref)} is not relative to this file; resolved to ${target.path} from an ancestor folder`,
      hint: `Write \`$ref: ${target.viaAncestor}\` ($ref paths are relative to the file that contains them).`,
    })
  if (chain.includes(target.path)) {
    const short = (f: string) => f.slice(scope.project.root.length + 1) || f
    scope.sink.add('REF_CIRCULAR', refPos, { path: where(), value: ref, hint: `Chain: ${[...chain, target.path].map(short).join(' → ')}` })
    return undefined
  }
  if (chain.length > MAX_DEPTH) {
    scope.sink.add('REF_TOO_DEEP', refPos, { path: where(), hint: 'Flatten the chain of fragments.' })
    return undefined
  }
  scope.files.add(target.path)
  const parsed = loadCached(scope.project, target.path)
  if (!parsed.ok) {
    if ('missing' in parsed && parsed.missing) {
      const short = (f: string) => relative(scope.project.root, f).split(sep).join('/') || f
      const tried = target.tried.length > 1 ? ` Also tried from the folders above: ${target.tried.slice(1).map(short).join(', ')}.` : ''
      scope.sink.add('REF_NOT_FOUND', refPos, {
        path: where(),
        value: ref,
        message: `$ref ${JSON.stringify(ref)} not found (resolved to ${target.path})`,
        hint: `Paths are relative to the file that contains the $ref.${tried}`,
      })
    } else scope.sink.add('REF_UNPARSABLE', refPos, { path: where(), value: ref, message: `$ref ${JSON.stringify(ref)} could not be parsed: ${parsed.message} (${target.path}:${parsed.line}:${parsed.column})` })
    return undefined
  }
  return { value: parsed.value, file: target.path }
}

