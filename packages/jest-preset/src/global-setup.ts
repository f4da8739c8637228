// Jest global setup (main process, once per run): the runtime must answer, environments of dead
// runs are swept, a reaper starts watching this process, and the handoff goes to the workers.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DokkimiError, type Runtime } from '@dokkimi/core'
import { createHandoff, HANDOFF_VAR, optionsOf, runtimeOf, type Handoff } from './_handoff.js'

/** Options of the preset, set in jest.config as `testEnvironmentOptions: { dokkimi: { … } }`. */
export interface DokkimiJestOptions {
  /** `docker`, `kubernetes`, or a module path whose default export is a runtime factory. @default 'docker' */
  runtime?: string
  /** Image reference rewrites (`{ "postgres:15": "mirror.local/postgres:15" }`); DOKKIMI_IMAGES is merged over it. */
  images?: Record<string, string>
  /** Labels every environment of the run, so teardown can remove them all. @default DOKKIMI_SESSION, else random */
  session?: string
}

/** The part of Jest's project config the preset reads. */
export interface JestProjectConfig {
  rootDir: string
  testEnvironmentOptions?: Record<string, unknown>
}

/** Checks the runtime, sweeps orphans and hands `{ session, runtime, images, cwd }` to the workers. */
export default async function globalSetup(_globalConfig: unknown, project: JestProjectConfig): Promise<void> {
  const handoff = createHandoff(optionsOf(project), project.rootDir)
  const factory = await runtimeOf(handoff)
  let runtime: Runtime
  try {
    runtime = await factory.create()
  } catch (error) {
    throw new DokkimiError('RUNTIME_UNAVAILABLE', `[dokkimi] [jest] the ${factory.name} runtime is not available: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  try {
    await runtime.sweep()
  } finally {
    await runtime.dispose()
  }
  handoff.reaper = startReaper(handoff)
  process.env[HANDOFF_VAR] = JSON.stringify(handoff)
}

// Jest exits at once on Ctrl-C (no teardown): a detached process sweeps the session when Jest is gone.
function startReaper(handoff: Handoff): number | undefined {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./reaper.js', import.meta.url)), String(process.pid)], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, [HANDOFF_VAR]: JSON.stringify(handoff) },
  })
  child.on('error', () => {})
  child.unref()
  return child.pid
}
