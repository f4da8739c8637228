// Runtime names resolve through a map to the package that implements them, loaded on demand
// (STYLE.md rule 10); a module path is the escape hatch for custom runtimes.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DokkimiError } from '../errors.js'
import type { Runtime, RuntimeFactory } from './runtime.js'

interface BuiltIn {
  package: string
  factory: string
  /** Set while the package has not shipped. */
  unavailable?: string
}

/** Built-in runtime names and the package each lives in. */
export const RUNTIMES: Record<string, BuiltIn> = {
  docker: { package: '@dokkimi/runtime-docker', factory: 'docker' },
  kubernetes: { package: '@dokkimi/runtime-k8s', factory: 'kubernetes', unavailable: 'the kubernetes runtime is not available yet (@dokkimi/runtime-k8s has not shipped). Use the docker runtime.' },
}

export interface LoadRuntimeOptions {
  /** Passed to the runtime factory (for example `images`, the image map). */
  options?: Record<string, unknown>
  /** Base directory of a runtime module path. Defaults to `process.cwd()`. */
  cwd?: string
  /**
   * Imports a package by name. Pass `(s) => import(s)` from the package that depends on the
   * runtime (the CLI, an adapter), so the optional runtime resolves from there.
   */
  importModule?: (specifier: string) => Promise<unknown>
  /** The package the user installs the runtime next to, named in the "not installed" hint. */
  host?: string
}

const isPath = (name: string) => /^\.{0,2}[\\/]/.test(name) || /\.[cm]?[jt]s$/.test(name)

/**
 * The factory behind a runtime name: a built-in name (`docker`, `kubernetes`), or a module path
 * whose default export is a factory, a runtime, or a function returning a factory.
 */
export async function loadRuntime(name: string, { options = {}, cwd = process.cwd(), importModule = (s) => import(s), host = '@dokkimi/core' }: LoadRuntimeOptions = {}): Promise<RuntimeFactory> {
  const builtIn = Object.hasOwn(RUNTIMES, name) ? RUNTIMES[name]! : undefined
  if (builtIn?.unavailable) throw new DokkimiError('RUNTIME_UNAVAILABLE', builtIn.unavailable)
  if (builtIn) {
    let mod: Record<string, unknown>
    try {
      mod = (await importModule(builtIn.package)) as Record<string, unknown>
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(builtIn.package)
      if (missing) throw new DokkimiError('RUNTIME_NOT_INSTALLED', `the ${name} runtime needs ${builtIn.package}, which is not installed. Install it next to ${host}: npm install -D ${builtIn.package}`, { cause: error })
      throw new DokkimiError('RUNTIME_UNAVAILABLE', `${builtIn.package} could not be loaded: ${(error as Error).message}`, { cause: error })
    }
    const factory = mod[builtIn.factory]
    if (typeof factory !== 'function') throw new DokkimiError('RUNTIME_UNAVAILABLE', `${builtIn.package} does not export ${builtIn.factory}(); update it to the version matching ${host}`)
    return (factory as (o: Record<string, unknown>) => RuntimeFactory)(options)
  }
  if (!isPath(name)) throw new DokkimiError('RUNTIME_UNKNOWN', `unknown runtime "${name}": use ${Object.keys(RUNTIMES).join(' or ')}, or a module path such as ./my-runtime.js`)
  let mod: { default?: unknown }
  try {
    mod = (await import(pathToFileURL(resolve(cwd, name)).href)) as { default?: unknown }
  } catch (error) {
    throw new DokkimiError('RUNTIME_UNAVAILABLE', `runtime module ${name} could not be loaded: ${(error as Error).message}`, { cause: error })
  }
  const value = typeof mod.default === 'function' ? (mod.default as (o: Record<string, unknown>) => unknown)(options) : mod.default
  if (isFactory(value)) return value
  if (isRuntime(value)) return { name: value.name, options, create: () => value }
  throw new DokkimiError('RUNTIME_UNAVAILABLE', `runtime module ${name} must export by default a runtime factory (such as docker()), a runtime, or a function returning a factory`)
}

function isFactory(value: unknown): value is RuntimeFactory {
  return typeof value === 'object' && value !== null && typeof (value as RuntimeFactory).create === 'function'
}

function isRuntime(value: unknown): value is Runtime {
  return typeof value === 'object' && value !== null && typeof (value as Runtime).start === 'function'
}
