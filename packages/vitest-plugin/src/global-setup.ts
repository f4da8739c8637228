// The global setup the dokkimi() plugin registers: once per run, in the Vitest process. It checks
// the runtime answers, sweeps what dead runs left, and starts the watchdog; its teardown removes
// every environment of the session, whatever happened to the workers.
import { createLogger, DokkimiError, isDokkimiError, type Runtime } from '@dokkimi/core'
import type { TestProject } from 'vitest/node'
import { runtimeFactory } from './_context.js'
import { reportError } from './_report-error.js'
import { startWatchdog } from './_start-watchdog.js'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const context = project.getProvidedContext().dokkimi
  if (!context) throw new DokkimiError('RUNTIME_UNAVAILABLE', '[dokkimi] [vitest] the global setup of @dokkimi/vitest-plugin runs only through the plugin. Add plugins: [dokkimi()] to vitest.config.ts instead of listing it in globalSetup')
  const factory = await runtimeFactory(context)
  let runtime: Runtime
  try {
    runtime = await factory.create()
  } catch (error) {
    // The runtime's message says what to do; its stack and cause would only bury it.
    throw reportError('RUNTIME_UNAVAILABLE', isDokkimiError(error) ? error.message : `[dokkimi] [vitest] the ${factory.name} runtime is not available: ${(error as Error).message}`)
  }
  // Leftovers of dead runs; a failure here is not this run's problem (environment starts sweep too).
  await runtime.sweep().catch((error: unknown) => createLogger('dokkimi:vitest').debug('sweeping orphans failed: %s', error))
  const watchdog = startWatchdog(context)
  return async () => {
    try {
      await runtime.sweep({ session: context.session })
      watchdog.release()
    } finally {
      await runtime.dispose()
    }
  }
}
