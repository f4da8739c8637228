import { formatPath, type IssueSink } from './_context.js'
import { isObject } from './_refs.js'
import { carryPositions, locate, type SourcePos } from './_source.js'

type Obj = Record<string, unknown>
const CONFIG_REF = /\$\{\{(\w+)\}\}/g
const ITEM_REF = /(?<!\$)\{\{([\w-]+)\}\}/g
const ANY_ITEM_REF = /(?<!\$)\{\{([^{}]*)\}\}/g
// F-025: runtime references are {{name}}, {{name.field}}, {{name[0].field}}.
const RUNTIME_REF = /^[\w-]+(\.[\w-]+|\[\d+\])*$/

/**
 * Rewrites every string in `value` with `fn`, copy-on-write: only the arrays and objects on the
 * way to a changed string are copied (with their positions); the rest is shared. `fn` gets the
 * path as a scratch array it must not keep.
 */
function mapStrings(value: unknown, fn: (s: string, path: (string | number)[]) => string, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return fn(value, path)
  if (Array.isArray(value)) return mapArray(value, fn, path)
  if (isObject(value)) return mapObject(value, fn, path)
  return value
}

function mapArray(value: unknown[], fn: (s: string, path: (string | number)[]) => string, path: (string | number)[]): unknown[] {
  let out: unknown[] | undefined
  for (let i = 0; i < value.length; i++) {
    path.push(i)
    const v = mapStrings(value[i], fn, path)
    path.pop()
    if (v !== value[i]) (out ??= value.slice())[i] = v
  }
  if (!out) return value
  carryPositions(out, value)
  return out
}

function mapObject(value: Obj, fn: (s: string, path: (string | number)[]) => string, path: (string | number)[]): Obj {
  let out: Obj | undefined
  for (const k of Object.keys(value)) {
    path.push(k)
    const v = mapStrings(value[k], fn, path)
    path.pop()
    if (v !== value[k]) (out ??= copyOwn(value))[k] = v
  }
  if (!out) return value
  carryPositions(out, value)
  return out
}

/** A plain copy of the enumerable own keys, the way the deep copy built it. */
function copyOwn(value: Obj): Obj {
  const out: Obj = {}
  for (const k of Object.keys(value)) out[k] = value[k]
  return out
}

/**
 * Build-time interpolation (F-020..F-024): `{{KEY}}` in items from config env overlaid with the
 * definition's string variables, then `${{KEY}}` everywhere from config env. Substituted text is
 * not re-scanned for `{{}}`, but a `{{VAR}}` value containing `${{KEY}}` is completed.
 */
export function interpolateDefinition(def: Obj, env: Record<string, string>, sink: IssueSink, fallback: SourcePos): Obj {
  const vars: Record<string, string> = { ...env }
  if (isObject(def.variables)) for (const [k, v] of Object.entries(def.variables)) if (typeof v === 'string') vars[k] = v
  const unresolvedItems = new Set<string>()
  let out: Obj = { ...def }
  carryPositions(out, def)
  if (Array.isArray(def.items)) {
    out.items = mapStrings(def.items, (s, path) => {
      if (!hasItemReference(s)) return s
      const replaced = s.replace(ITEM_REF, (whole, key: string) => {
        if (Object.hasOwn(vars, key)) return vars[key]!
        if (!unresolvedItems.has(key)) {
          unresolvedItems.add(key)
          sink.addAt('ITEM_VARIABLE_UNRESOLVED', def, ['items', ...path], fallback, { message: `Unresolved variables in items: {{${key}}}` })
        }
        return whole
      })
      for (const m of s.matchAll(ANY_ITEM_REF)) {
        if (m.index > 0 && s[m.index - 1] === '$') continue
        if (!/^[\w-]+$/.test(m[1]!)) sink.addAt('ITEM_VARIABLE_INVALID', def, ['items', ...path], fallback, { message: `Invalid variable references in items: ${m[0]}` })
      }
      return replaced
    })
  }
  const missing = new Set<string>()
  out = mapStrings(out, (s, path) => {
    if (!s.includes('${{')) return s
    return s.replace(CONFIG_REF, (whole, key: string) => {
      if (Object.hasOwn(env, key)) return env[key]!
      if (!missing.has(key)) {
        missing.add(key)
        sink.addAt('CONFIG_REFERENCE_UNRESOLVED', out, path, fallback, { message: `Unresolved config references: \${{${key}}}` })
      }
      return whole
    })
  }) as Obj
  return out
}

/** Whether `s` has a `{{` not preceded by `$`: the only place ITEM_REF and ANY_ITEM_REF can match. */
function hasItemReference(s: string): boolean {
  for (let i = s.indexOf('{{'); i >= 0; i = s.indexOf('{{', i + 1)) if (i === 0 || s.charCodeAt(i - 1) !== 36) return true
  return false
}

/** Warns about `{{ … }}` in tests that look like runtime references but are not (F-025). */
export function checkRuntimeReferences(def: Obj, sink: IssueSink, fallback: SourcePos): void {
  if (!Array.isArray(def.tests)) return
  // One path array, pushed and popped: issues copy what they need from it.
  const path: (string | number)[] = ['tests']
  const walk = (value: unknown) => {
    if (typeof value === 'string') {
      if (!hasItemReference(value)) return
      for (const m of value.matchAll(ANY_ITEM_REF)) {
        if (m.index > 0 && value[m.index - 1] === '$') continue
        if (!RUNTIME_REF.test(m[1]!))
          sink.add('RUNTIME_VARIABLE_SYNTAX', locate(def, path, fallback), { path: formatPath(path), value: m[0] })
      }
      return
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i)
        walk(value[i])
        path.pop()
      }
    } else if (isObject(value)) {
      for (const k of Object.keys(value)) {
        path.push(k)
        walk(value[k])
        path.pop()
      }
    }
  }
  walk(def.tests)
}
