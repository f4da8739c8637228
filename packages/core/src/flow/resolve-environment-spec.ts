import { join } from 'node:path'
import { ResolveError, resolveDefinitionValue, type Definition } from '@dokkimi/resolver'
import type { EnvironmentSpec } from './define-environment.js'

/**
 * Validates and resolves a spec into a `Definition` (same schemas, defaults and `$ref` resolution
 * as definition files), as if written in `baseDir`: the project is the `.dokkimi/` folder around
 * `baseDir`, else `baseDir` itself. Throws a `ResolveError` holding the issues.
 */
export function resolveEnvironmentSpec(spec: EnvironmentSpec): Definition {
  const value = {
    name: spec.name,
    ...(spec.config === undefined ? {} : { config: spec.config }),
    ...(spec.variables === undefined ? {} : { variables: spec.variables }),
    items: spec.items,
  }
  const result = resolveDefinitionValue(value, { file: specFile(spec) })
  if (!result.ok) throw new ResolveError(result.errors)
  return result.value
}

/** The path issues and reports name for a spec: `<baseDir>/defineEnvironment(<name>)`. */
export function specFile(spec: Pick<EnvironmentSpec, 'name' | 'baseDir'>): string {
  return join(spec.baseDir, `defineEnvironment(${String(spec.name).replace(/[/\\]/g, '-')})`)
}

/** Whether a value is a resolved `Definition` rather than a spec. */
export function isDefinition(value: EnvironmentSpec | Definition): value is Definition {
  return typeof (value as Definition).file === 'string' && typeof (value as Definition).format === 'string' && Array.isArray((value as Definition).tests)
}
