import { join } from 'node:path'
import { IssueSink, loadCached, type Project } from './_context.js'
import { validateWith } from './_validate.js'
import { projectConfigSchema } from './schema-definition.js'
import { isObject } from './_refs.js'
import { locate } from './_source.js'
import { positionOf } from './_source.js'
import type { Issue } from './issues.js'

export interface ProjectConfig {
  file?: string
  dokkimi?: string
  env: Record<string, string>
  images: Record<string, string>
}

const NAMES = ['config.yaml', 'config.yml', 'config.json']

/** Loads `config.yaml|yml|json` from the root, first match wins; errors leave an empty config (F-006). */
export function loadProjectConfig(project: Pick<Project, 'root' | 'cache' | 'projectRoot' | 'env'>, installedVersion?: string): { config: ProjectConfig; issues: Issue[]; file?: string } {
  const empty: ProjectConfig = { env: {}, images: {} }
  for (const name of NAMES) {
    const file = join(project.root, name)
    const parsed = loadCached(project as Project, file)
    if (!parsed.ok && 'missing' in parsed && parsed.missing) continue
    const sink = new IssueSink()
    const at = { file, line: 0, column: 0 }
    if (!parsed.ok) {
      sink.add('CONFIG_PARSE_ERROR', { file, line: parsed.line, column: parsed.column }, { message: `failed to parse config: ${parsed.message}` })
      return { config: { ...empty, file }, issues: sink.issues, file }
    }
    if (!isObject(parsed.value)) {
      sink.add('CONFIG_NOT_OBJECT', positionOf(parsed.value) ?? at, { value: parsed.value, message: `config must be a YAML/JSON object, got ${parsed.value === null ? 'nothing' : Array.isArray(parsed.value) ? 'an array' : typeof parsed.value}` })
      return { config: { ...empty, file }, issues: sink.issues, file }
    }
    validateWith(projectConfigSchema, parsed.value, sink, at)
    if (sink.hasErrors) return { config: { ...empty, file }, issues: sink.issues, file }
    const raw = parsed.value
    const env: Record<string, string> = {}
    if (isObject(raw.env)) for (const [k, v] of Object.entries(raw.env)) env[k] = String(v)
    const images: Record<string, string> = isObject(raw.images) ? (raw.images as Record<string, string>) : {}
    const config: ProjectConfig = { file, env, images }
    if (raw.dokkimi !== undefined) {
      config.dokkimi = String(raw.dokkimi)
      // F-007: warn when the project pins a newer Dokkimi than the one running.
      if (installedVersion && compareVersions(config.dokkimi, installedVersion) > 0)
        sink.add('CONFIG_VERSION_NEWER', locate(raw, ['dokkimi'], at), {
          path: 'dokkimi',
          message: `this project pins dokkimi ${config.dokkimi}, newer than the installed ${installedVersion}`,
        })
    }
    return { config, issues: sink.issues, file }
  }
  return { config: empty, issues: [] }
}

/** Compares dotted numeric versions (`0.10.1` > `0.9`); pre-release suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((n) => Number.parseInt(n, 10) || 0)
  const x = parts(a)
  const y = parts(b)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  return 0
}
