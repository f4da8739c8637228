import { basename, dirname, resolve } from 'node:path'
import type { z } from 'zod'
import { loadProjectConfig } from './_config.js'
import { createProject } from './_context.js'
import type { Issue } from './issues.js'
import { resolveFile } from './load-definitions.js'
import type { ResolveResult } from './resolve-definition.js'
import type { definitionConfigSchema } from './schema-definition.js'
import type { brokerSchema, databaseSchema, mockSchema, serviceSchema, workerSchema } from './schema-items.js'
import type { variablesSchema } from './schema-tests.js'

export interface ResolveValueOptions {
  /** The file the value is resolved as if written in: `$ref`s, init and mount files are relative to its folder. */
  file: string
  /**
   * The project folder (init files must live inside it, mount files inside its parent; its
   * `config.yaml` applies). @default the `.dokkimi/` folder enclosing `file`, else the folder of `file`
   */
  root?: string
  /** Folder a relative `file` starts from. @default process.cwd() */
  cwd?: string
  /** The running Dokkimi version: a project pinning a newer one gets a warning (F-007). */
  version?: string
}

/** Fields of a SERVICE item as written (before defaults). */
export type ServiceItemInput = z.input<typeof serviceSchema>
/** Fields of a WORKER item as written. */
export type WorkerItemInput = z.input<typeof workerSchema>
/** Fields of a DATABASE item as written. */
export type DatabaseItemInput = z.input<typeof databaseSchema>
/** Fields of a BROKER item as written. */
export type BrokerItemInput = z.input<typeof brokerSchema>
/** Fields of a MOCK item as written. */
export type MockItemInput = z.input<typeof mockSchema>
/** A definition's `config` block as written. */
export type DefinitionConfigInput = z.input<typeof definitionConfigSchema>
/** A definition's `variables` as written. */
export type VariablesInput = z.input<typeof variablesSchema>

/**
 * Resolves an in-memory definition object (a parsed file, or one built in code) exactly as if it
 * were written in `options.file`: same `$ref` resolution, schemas, defaults and issues.
 */
export function resolveDefinitionValue(value: unknown, options: ResolveValueOptions): ResolveResult {
  const file = resolve(options.cwd ?? process.cwd(), options.file)
  const root = options.root === undefined ? (enclosingDokkimi(file) ?? dirname(file)) : resolve(options.cwd ?? process.cwd(), options.root)
  const project = createProject(root)
  const config = loadProjectConfig(project, options.version)
  project.env = config.config.env
  project.cache.set(file, { ok: true, value: detach(value), text: '' })
  const fr = resolveFile(project, file)
  const errors = [...config.issues.filter((i) => i.severity === 'error'), ...fr.errors]
  const warnings = [...config.issues.filter((i) => i.severity !== 'error'), ...fr.warnings]
  if (fr.definition && errors.length === 0) return { ok: true, value: fr.definition, warnings }
  if (errors.length === 0) return { ok: false, errors: [notDefinition(file)], warnings }
  return { ok: false, errors, warnings }
}

// The resolver never mutates its input, but a caller's object must not share nested values with the result.
function detach(value: unknown): unknown {
  try {
    return structuredClone(value)
  } catch {
    return value
  }
}

function enclosingDokkimi(file: string): string | undefined {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) if (basename(dir) === '.dokkimi') return dir
  return undefined
}

function notDefinition(file: string): Issue {
  return {
    code: 'TARGET_NOT_DEFINITION',
    rule: 'F-004',
    severity: 'error',
    message: 'not a runnable definition: a definition needs a top-level "name" string and an "items" array',
    file,
    line: 1,
    column: 1,
    path: '',
    hint: 'Give the value a "name" string and an "items" array.',
  }
}
