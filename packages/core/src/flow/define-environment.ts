// defineEnvironment(): an environment declared in TypeScript, the same model a definition file
// resolves to. Cheap and synchronous; validation happens in resolveEnvironmentSpec().
import { resolve } from 'node:path'
import type { DefinitionConfigInput, VariablesInput } from '@dokkimi/resolver'
import { rebaseItem, type EnvironmentItem } from './items.js'

export interface EnvironmentSpecInput {
  /** Definition name: labels the environment and its reports. */
  name: string
  /** Services, workers, databases and mocks; lists (from `mock()`) are flattened. */
  items: ReadonlyArray<EnvironmentItem | readonly EnvironmentItem[]>
  /** The definition's `config` block (`timeoutSeconds`, `externalTraffic`, …). */
  config?: DefinitionConfigInput
  /** Variables; strings also fill `{{KEY}}` in items. */
  variables?: VariablesInput
  /** Folder relative paths (`fromYaml`, init files, mount files) start from. @default process.cwd() */
  baseDir?: string
}

/** A declared environment: a plain object, resolved into a `Definition` when it starts. */
export interface EnvironmentSpec {
  name: string
  items: EnvironmentItem[]
  config?: DefinitionConfigInput
  variables?: VariablesInput
  /** Absolute folder relative paths start from. */
  baseDir: string
}

/** Declares an environment in code; pass it to `startEnvironment()` or `resolveEnvironmentSpec()`. */
export function defineEnvironment(input: EnvironmentSpecInput): EnvironmentSpec {
  const baseDir = resolve(input.baseDir ?? process.cwd())
  const items = input.items.flatMap((i): EnvironmentItem[] => (Array.isArray(i) ? [...(i as readonly EnvironmentItem[])] : [i as EnvironmentItem])).map((i) => rebaseItem(i, baseDir))
  return {
    name: input.name,
    items,
    ...(input.config === undefined ? {} : { config: input.config }),
    ...(input.variables === undefined ? {} : { variables: input.variables }),
    baseDir,
  }
}
