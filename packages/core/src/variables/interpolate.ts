import { resolvePath, type PathLookup } from '../assert/resolve-path.js'
import { VariableError } from './variable-error.js'

export interface InterpolateOptions {
  /** `throw` raises a VariableError (actions, step names); `keep` leaves the `{{ref}}` text as written (assertion paths and values, F-030). */
  onMissing: 'throw' | 'keep'
}

// F-025: `{{name}}`, `{{name.field}}`, `{{name[0].field}}`; no spaces, no negative indexes.
const REF = /\{\{([\w-]+(?:\.[\w-]+|\[\d+\])*)\}\}/g
const WHOLE_REF = /^\{\{([\w-]+(?:\.[\w-]+|\[\d+\])*)\}\}$/

/** Looks a reference up: first as one flat variable name, then as a path with case-insensitive key fallback (F-026). */
export function lookupVariable(vars: Record<string, unknown>, ref: string): PathLookup {
  if (Object.hasOwn(vars, ref) && vars[ref] !== undefined) return { found: true, value: vars[ref] }
  return resolvePath(vars, `$.${ref}`)
}

/** Renders a value into text: integers without decimals, null as empty, objects as compact JSON (F-028). */
export function renderValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value)
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return JSON.stringify(value) ?? ''
}

/** Replaces every `{{ref}}` in `text` with the rendered variable value (F-025, F-026, F-028). */
export function interpolateString(text: string, vars: Record<string, unknown>, options: InterpolateOptions): string {
  if (!text.includes('{{')) return text
  return text.replace(REF, (whole, ref: string) => {
    const hit = lookupVariable(vars, ref)
    if (hit.found) return renderValue(hit.value)
    if (options.onMissing === 'throw') throw new VariableError(ref)
    return whole
  })
}

/** Sets an own property, also for keys such as `__proto__` (which match `^\w+$` and may come from JSON). */
export function setVariable(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Typed substitution (F-027): a string that is exactly one `{{ref}}` becomes the variable's value; recursive, object keys string-interpolated. */
export function interpolateValue(value: unknown, vars: Record<string, unknown>, options: InterpolateOptions): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REF.exec(value)
    if (!whole) return interpolateString(value, vars, options)
    const hit = lookupVariable(vars, whole[1]!)
    if (hit.found) return hit.value
    if (options.onMissing === 'throw') throw new VariableError(whole[1]!)
    return value
  }
  if (Array.isArray(value)) return value.map((v) => interpolateValue(v, vars, options))
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) setVariable(out, interpolateString(k, vars, options), interpolateValue(v, vars, options))
    return out
  }
  return value
}
