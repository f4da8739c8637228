// Runtime names resolve through a map to the package that implements them, loaded on demand
// (STYLE.md rule 10); a module path is the escape hatch for custom runtimes.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Runtime, RuntimeFactory } from '@dokkimi/core'
import { EnvironmentError, UsageError } from './_errors.js'

interface BuiltIn {
  package: string
  factory: string
  /** Set while the package has not shipped. */
  unavailable?: string
}

/** Built-in runtime names and the package each lives in. */
export const RUNTIMES: Record<string, BuiltIn> = {
  docker: { package: '@dokkimi/runtime-docker', factory: 'docker' },
  kubernetes: { package: '@dokkimi/runtime-k8s', factory: 'kubernetes', unavailable: 'the kubernetes runtime is not available yet (@dokkimi/runtime-k8s has not shipped). Use --runtime docker.' },
}

export interface RuntimeOptions {
  /** Image reference rewrites from config.yaml `images:`. */
  images?: Record<string, string>
}

const isPath = (name: string) => /^\.{0,2}[\\/]/.test(name) || /\.[cm]?[jt]s$/.test(name)

/** The factory behind `--runtime <name>`: a built-in name, or a module path whose default export is a factory, a runtime, or a function returning a factory. */
export async function loadRuntime(name: string, options: RuntimeOptions, cwd: string): Promise<RuntimeFactory> {
  const builtIn = Object.hasOwn(RUNTIMES, name) ? RUNTIMES[name]! : undefined
  if (builtIn?.unavailable) throw new EnvironmentError(builtIn.unavailable)
  if (builtIn) {
    let mod: Record<string, unknown>
    try {
      // A variable specifier: the runtime packages are optional and loaded only when used.
      const specifier = builtIn.package
      mod = (await import(specifier)) as Record<string, unknown>
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(builtIn.package)
      if (missing) throw new EnvironmentError(`the ${name} runtime needs ${builtIn.package}, which is not installed. Install it next to @dokkimi/cli: npm install -D ${builtIn.package}`, { cause: error })
      throw new EnvironmentError(`${builtIn.package} could not be loaded: ${(error as Error).message}`, { cause: error })
    }
    const factory = mod[builtIn.factory]
    if (typeof factory !== 'function') throw new EnvironmentError(`${builtIn.package} does not export ${builtIn.factory}(); update it to the version matching @dokkimi/cli`)
    return (factory as (o: RuntimeOptions) => RuntimeFactory)(options)
  }
  if (!isPath(name)) throw new UsageError(`unknown runtime "${name}": use ${Object.keys(RUNTIMES).join(' or ')}, or a module path such as ./my-runtime.js`)
  let mod: { default?: unknown }
  try {
    mod = (await import(pathToFileURL(resolve(cwd, name)).href)) as { default?: unknown }
  } catch (error) {
    throw new EnvironmentError(`runtime module ${name} could not be loaded: ${(error as Error).message}`, { cause: error })
  }
  const value = typeof mod.default === 'function' ? (mod.default as (o: RuntimeOptions) => unknown)(options) : mod.default
  if (isFactory(value)) return value
  if (isRuntime(value)) return { name: value.name, options, create: () => value }
  throw new EnvironmentError(`runtime module ${name} must export by default a runtime factory (such as docker()), a runtime, or a function returning a factory`)
}

function isFactory(value: unknown): value is RuntimeFactory {
  return typeof value === 'object' && value !== null && typeof (value as RuntimeFactory).create === 'function'
}

function isRuntime(value: unknown): value is Runtime {
  return typeof value === 'object' && value !== null && typeof (value as Runtime).start === 'function'
}

/** One live runtime per command: opened on first use, disposed by the command's `cleanup` hook. */
export class RuntimeSession {
  runtime: Runtime | undefined
  /** Leave the runtime undisposed: environments were kept running on purpose (`--keep-on-failure`). */
  keep = false

  async open(name: string, options: RuntimeOptions, cwd: string): Promise<Runtime> {
    if (this.runtime) return this.runtime
    const factory = await loadRuntime(name, options, cwd)
    try {
      this.runtime = await factory.create()
    } catch (error) {
      throw new EnvironmentError(`the ${factory.name} runtime is not available: ${(error as Error).message}`, { cause: error })
    }
    return this.runtime
  }

  async close(): Promise<void> {
    const runtime = this.runtime
    this.runtime = undefined
    if (runtime && !this.keep) await runtime.dispose()
  }
}

/** The `--runtime` flag every runtime-using command takes. */
export const RUNTIME_ARG = { type: 'string', description: 'docker (default), kubernetes, or a module path' } as const

/** citty hooks giving a command one RuntimeSession in `data`, disposed in `cleanup`. */
export const runtimeSessionHooks = {
  setup(ctx: { data?: unknown }): void {
    ctx.data = new RuntimeSession()
  },
  async cleanup(ctx: { data?: unknown }): Promise<void> {
    await (ctx.data as RuntimeSession).close()
  },
}
