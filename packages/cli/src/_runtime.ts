// The CLI's runtime: core's loadRuntime with the CLI's import scope and exit-code errors, and one
// live runtime per command.
import { isDokkimiError, loadRuntime as coreLoadRuntime, type Runtime, type RuntimeFactory } from '@dokkimi/core'
import { EnvironmentError, UsageError } from './_errors.js'

export { RUNTIMES } from '@dokkimi/core'

export interface RuntimeOptions {
  /** Image reference rewrites from config.yaml `images:`. */
  images?: Record<string, string>
}

/** core's loadRuntime, resolving runtime packages from the CLI and mapping its errors to exit codes. */
export async function loadRuntime(name: string, options: RuntimeOptions, cwd: string): Promise<RuntimeFactory> {
  try {
    return await coreLoadRuntime(name, { options: { ...options }, cwd, importModule: (s) => import(s), host: '@dokkimi/cli' })
  } catch (error) {
    if (isDokkimiError(error) && error.code === 'RUNTIME_UNKNOWN') throw new UsageError(error.message)
    if (isDokkimiError(error)) throw new EnvironmentError(error.message, { cause: error.cause ?? error })
    throw error
  }
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
