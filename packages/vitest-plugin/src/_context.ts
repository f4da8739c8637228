// What the plugin hands to the global setup and every worker through `project.provide('dokkimi', …)`,
// and how it becomes a runtime factory (workers, the watchdog).
import { loadRuntime, type RuntimeFactory } from '@dokkimi/core'

/** The connection data tests receive with `inject('dokkimi')`. */
export interface DokkimiContext {
  /** Labels every environment of this Vitest run; the global teardown sweeps it. */
  session: string
  /** `docker`, `kubernetes`, or a runtime module path (relative to `cwd`). */
  runtime: string
  /** Image rewrite map passed to the runtime. */
  images: Record<string, string>
  /** The Vitest project root: relative definition paths and runtime module paths start here. */
  cwd: string
}

export const HOST = '@dokkimi/vitest-plugin'

/** The runtime factory a worker starts environments with; each environment creates and disposes its own runtime. */
export function runtimeFactory(context: DokkimiContext, images: Record<string, string> = {}): Promise<RuntimeFactory> {
  return loadRuntime(context.runtime, { options: { images: { ...images, ...context.images } }, cwd: context.cwd, importModule: (s) => import(s), host: HOST })
}
