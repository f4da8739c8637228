// The run's connection data, from Jest's global setup (main process) to the test files (workers):
// one JSON env var, inherited by the workers Jest forks after global setup (STYLE.md rule 23).
import { randomUUID } from 'node:crypto'
import { DokkimiError, loadRuntime, type RuntimeFactory } from '@dokkimi/core'
import type { DokkimiJestOptions } from './global-setup.js'

export interface Handoff {
  session: string
  runtime: string
  images: Record<string, string>
  /** Base directory of a runtime module path (Jest's rootDir). */
  cwd: string
  /** The process that sweeps the session if the Jest process dies. */
  reaper?: number
}

export const HANDOFF_VAR = 'DOKKIMI_JEST_HANDOFF'
export const HOST = '@dokkimi/jest-preset'

/** The options in a Jest project config, checked. */
export function optionsOf(project: { testEnvironmentOptions?: Record<string, unknown> }): DokkimiJestOptions {
  const raw = project.testEnvironmentOptions?.dokkimi ?? {}
  const bad = (what: string) => new DokkimiError('FLOW_INVALID_ARGUMENT', `[dokkimi] [jest] testEnvironmentOptions.dokkimi${what}; expected { runtime?: string, images?: Record<string, string>, session?: string }`)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(` must be an object, got ${JSON.stringify(raw)}`)
  const o = raw as Record<string, unknown>
  for (const key of Object.keys(o)) if (!['runtime', 'images', 'session'].includes(key)) throw bad(`.${key} is not an option`)
  if (o.runtime !== undefined && typeof o.runtime !== 'string') throw bad(`.runtime must be a string, got ${JSON.stringify(o.runtime)}`)
  if (o.session !== undefined && (typeof o.session !== 'string' || o.session === '')) throw bad(`.session must be a non-empty string, got ${JSON.stringify(o.session)}`)
  if (o.images !== undefined && (typeof o.images !== 'object' || o.images === null || Object.values(o.images).some((v) => typeof v !== 'string'))) throw bad(`.images must map image references to strings, got ${JSON.stringify(o.images)}`)
  return o as DokkimiJestOptions
}

export function createHandoff(options: DokkimiJestOptions, cwd: string): Handoff {
  const session = options.session ?? (process.env.DOKKIMI_SESSION || `jest-${randomUUID().slice(0, 8)}`)
  return { session, runtime: options.runtime ?? 'docker', images: options.images ?? {}, cwd }
}

/** The handoff the global setup left in the environment. */
export function readHandoff(): Handoff {
  const raw = process.env[HANDOFF_VAR]
  if (!raw) throw new DokkimiError('RUNTIME_UNAVAILABLE', `[dokkimi] [jest] the Dokkimi global setup did not run (${HANDOFF_VAR} is not set). Add preset: '@dokkimi/jest-preset' to jest.config; if it sets its own globalSetup, call @dokkimi/jest-preset/global-setup (and /global-teardown) from yours`)
  return JSON.parse(raw) as Handoff
}

/** The handoff's runtime factory, loaded from this package's scope; the preset's `images` win over `projectImages`. */
export function runtimeOf(handoff: Handoff, projectImages: Record<string, string> = {}): Promise<RuntimeFactory> {
  return loadRuntime(handoff.runtime, { options: { images: { ...projectImages, ...handoff.images } }, cwd: handoff.cwd, importModule: (s) => import(s), host: HOST })
}
