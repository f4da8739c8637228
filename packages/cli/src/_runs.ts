// The last runs of a project, kept as JSON reports under `<.dokkimi>/.runs/` for `dokkimi dump`.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { RunReport } from './_report-json.js'

/** How many runs are kept per project. */
export const KEEP_RUNS = 10

export function runsDir(root: string): string {
  return join(root, '.runs')
}

/** Writes `report` as `.runs/<timestamp>.json`, keeps the last {@link KEEP_RUNS}; returns the file. */
export function saveRun(root: string, report: RunReport): string {
  const dir = runsDir(root)
  mkdirSync(dir, { recursive: true })
  const ignore = join(dir, '.gitignore')
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n')
  const stamp = report.startedAt.replace(/[-:]/g, '').replace('T', '-').replace(/\.(\d+)Z$/, '-$1')
  let file = join(dir, `${stamp}.json`)
  for (let n = 2; existsSync(file); n++) file = join(dir, `${stamp}-${n}.json`)
  writeFileSync(file, `${JSON.stringify(report)}\n`)
  for (const old of listRuns(root).slice(KEEP_RUNS)) rmSync(old, { force: true })
  return file
}

/** Run files, newest first. */
export function listRuns(root: string): string[] {
  const dir = runsDir(root)
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'))
  } catch {
    return []
  }
  // Names are UTC timestamps: the lexical order is the time order.
  return names.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).map((n) => join(dir, n))
}

export function readRun(file: string): RunReport {
  return JSON.parse(readFileSync(file, 'utf8')) as RunReport
}

/** The project's `.dokkimi/` folder at or above `cwd`, as run and validate find it. */
export function findProjectRoot(cwd: string): string | undefined {
  let cur = resolve(cwd)
  for (;;) {
    if (basename(cur) === '.dokkimi' && statSync(cur, { throwIfNoEntry: false })?.isDirectory()) return cur
    const inside = join(cur, '.dokkimi')
    if (statSync(inside, { throwIfNoEntry: false })?.isDirectory()) return inside
    const parent = dirname(cur)
    if (parent === cur) return undefined
    cur = parent
  }
}
