import { resolve } from 'node:path'
import { loadDefinitions, type LoadOptions } from './load-definitions.js'
import type { Issue } from './issues.js'
import type { Definition } from './model.js'
import { ResolveError } from './resolve-error.js'

export type ResolveResult = { ok: true; value: Definition; warnings: Issue[] } | { ok: false; errors: Issue[]; warnings: Issue[] }

/** Resolves one definition file (its project's config applies; `.dokignore` does not). */
export function resolveDefinition(file: string, options: Omit<LoadOptions, 'ci'> = {}): ResolveResult {
  const abs = resolve(options.cwd ?? process.cwd(), file)
  const result = loadDefinitions(abs, options)
  const fr = result.files.find((f) => f.file === abs)
  const warnings = result.warnings
  if (fr?.definition && result.errors.length === 0) return { ok: true, value: fr.definition, warnings }
  if (result.errors.length === 0 && fr?.kind === 'fragment') {
    const errors: Issue[] = [
      {
        code: 'TARGET_NOT_DEFINITION',
        rule: 'F-004',
        severity: 'error',
        message: 'not a runnable definition: a definition needs a top-level "name" string and an "items" array',
        file: abs,
        line: 1,
        column: 1,
        path: '',
        hint: 'This file is a fragment; use it through $ref from a definition.',
      },
    ]
    return { ok: false, errors, warnings }
  }
  return { ok: false, errors: result.errors, warnings }
}

/** Like `resolveDefinition`, but throws a `ResolveError` holding the errors. */
export function resolveDefinitionOrThrow(file: string, options: Omit<LoadOptions, 'ci'> = {}): Definition {
  const r = resolveDefinition(file, options)
  if (!r.ok) throw new ResolveError(r.errors)
  return r.value
}
