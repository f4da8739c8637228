// dokkimi(): the Vite plugin `vitest:dokkimi` (STYLE.md rule 23). configureVitest registers the
// global setup and the matcher setup file, and provides the run's connection data to tests.
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vitest/config'
import type { DokkimiContext } from './_context.js'

export interface DokkimiOptions {
  /**
   * `docker`, `kubernetes`, or the path of a module whose default export is a runtime factory
   * (relative to the Vitest project root).
   * @default 'docker'
   */
  runtime?: 'docker' | 'kubernetes' | (string & {})
  /**
   * Image rewrite map (`postgres:15` → `mirror.local/postgres:15`), over each definition's
   * config.yaml `images:`; DOKKIMI_IMAGES is merged over both by the runtime.
   * @default {}
   */
  images?: Record<string, string>
  /**
   * Test-session id every environment of the run is labelled with.
   * @default process.env.DOKKIMI_SESSION, else a random id
   */
  session?: string
}

/** Boot takes seconds: defaults for hooks (environment start and stop) and tests, unless set. */
const TIMEOUTS = { hookTimeout: 300_000, testTimeout: 120_000, teardownTimeout: 60_000 } as const

// From sources (this workspace) the sibling files are .ts; from dist, .js.
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js'
const GLOBAL_SETUP = fileURLToPath(new URL(`./global-setup.${ext}`, import.meta.url))
const SETUP_FILE = fileURLToPath(new URL(`./setup-file.${ext}`, import.meta.url))

/** The Vitest plugin: environments for describeDefinition() and useEnvironment(), matchers, cleanup. */
export function dokkimi(options: DokkimiOptions = {}): Plugin {
  return {
    name: 'vitest:dokkimi',
    config(config) {
      const test = config.test ?? {}
      const unset = Object.entries(TIMEOUTS).filter(([key]) => test[key as keyof typeof TIMEOUTS] === undefined)
      return { test: Object.fromEntries(unset) }
    },
    configureVitest({ project }) {
      const context: DokkimiContext = {
        session: options.session ?? process.env.DOKKIMI_SESSION ?? `vitest-${randomBytes(6).toString('hex')}`,
        runtime: options.runtime ?? 'docker',
        images: options.images ?? {},
        cwd: project.config.root,
      }
      project.provide('dokkimi', context)
      const config = project.config
      const globalSetup = [config.globalSetup].flat()
      if (!globalSetup.includes(GLOBAL_SETUP)) config.globalSetup = [...globalSetup, GLOBAL_SETUP]
      if (!config.setupFiles.includes(SETUP_FILE)) config.setupFiles = [...config.setupFiles, SETUP_FILE]
    },
  }
}
