import { loadDefinitions, type LoadOptions } from './load-definitions.js'
import type { Issue } from './issues.js'
import type { FileResult } from './model.js'

export interface ValidateResult {
  /** True when there is no error (warnings allowed). */
  valid: boolean
  root: string
  /** Number of runnable definitions found, valid or not. */
  definitionCount: number
  files: FileResult[]
  errors: Issue[]
  warnings: Issue[]
}

/** Resolves and validates like `run` would, without starting anything (F-310). */
export function validate(target?: string, options: LoadOptions = {}): ValidateResult {
  const r = loadDefinitions(target, options)
  return {
    valid: r.errors.length === 0,
    root: r.root,
    definitionCount: r.files.filter((f) => f.kind !== 'fragment').length,
    files: r.files,
    errors: r.errors,
    warnings: r.warnings,
  }
}
