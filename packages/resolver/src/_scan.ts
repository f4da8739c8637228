import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import ignore from 'ignore'
import { isInside } from './_context.js'

export const DEFINITION_FILE = /\.(json|ya?ml)$/i
const PATTERN_CHARS = /[*?{}[\]]/

/** What a target names: the root to resolve against and the files to consider (F-001, F-301). */
export interface ScanPlan {
  /** The `.dokkimi/` folder, or the standalone folder scanned as a root. */
  root: string
  files: string[]
  /** False for an explicit file target: `.dokignore` never applies to it (F-009). */
  ignorable: boolean
  /** Set when the target cannot be used. */
  error?: { code: 'PROJECT_NOT_FOUND' | 'TARGET_NOT_FOUND' | 'TARGET_NOT_DEFINITION'; file: string; message: string; hint?: string }
}

function stat(p: string) {
  try {
    return statSync(p)
  } catch {
    return undefined
  }
}

/** The nearest `.dokkimi` folder at or above `dir`, or `dir/.dokkimi`, or undefined. */
export function findDokkimiRoot(dir: string): string | undefined {
  let cur = resolve(dir)
  for (;;) {
    if (basename(cur) === '.dokkimi' && stat(cur)?.isDirectory()) return cur
    const inside = join(cur, '.dokkimi')
    if (stat(inside)?.isDirectory()) return inside
    const parent = dirname(cur)
    if (parent === cur) return undefined
    cur = parent
  }
}

/** Every `.json`/`.yml`/`.yaml` file below `dir`, skipping names that start with `.` (F-002). */
export function scanDir(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    let entries
    try {
      entries = readdirSync(d, { withFileTypes: true })
    } catch {
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && DEFINITION_FILE.test(e.name)) out.push(p)
    }
  }
  walk(dir)
  return out
}

/** Works out which files a target names (F-001, F-301). */
export function planScan(target: string | undefined, cwd: string): ScanPlan {
  if (target === undefined) {
    const root = findDokkimiRoot(cwd)
    if (!root) return notFound(cwd)
    const abs = resolve(cwd)
    // Inside the tree: only that subtree is scanned; config and .dokignore still come from the root.
    const scanFrom = isInside(root, abs) ? abs : root
    return { root, files: scanDir(scanFrom), ignorable: true }
  }
  const abs = resolve(cwd, target)
  const st = stat(abs)
  if (DEFINITION_FILE.test(target)) {
    if (!st) return { root: dirname(abs), files: [], ignorable: false, error: { code: 'TARGET_NOT_FOUND', file: abs, message: `file not found: ${abs}` } }
    const root = enclosingDokkimi(abs) ?? dirname(abs)
    return { root, files: [abs], ignorable: false }
  }
  if (st?.isDirectory()) {
    if (basename(abs) === '.dokkimi') return { root: abs, files: scanDir(abs), ignorable: true }
    const inside = join(abs, '.dokkimi')
    if (stat(inside)?.isDirectory()) return { root: inside, files: scanDir(inside), ignorable: true }
    const enclosing = enclosingDokkimi(abs)
    if (enclosing) return { root: enclosing, files: scanDir(abs), ignorable: true }
    return { root: abs, files: scanDir(abs), ignorable: true }
  }
  if (st?.isFile()) return { root: dirname(abs), files: [], ignorable: false, error: { code: 'TARGET_NOT_DEFINITION', file: abs, message: `not a definition file (.json, .yml, .yaml): ${abs}` } }
  // Otherwise a pattern over the files of the project (F-301).
  const root = findDokkimiRoot(cwd)
  if (!root) return notFound(cwd)
  const all = scanDir(root)
  const rel = (f: string) => relative(root, f).split(sep).join('/')
  let match: (f: string) => boolean
  const re = /^\/(.+)\/([a-z]*)$/.exec(target)
  if (PATTERN_CHARS.test(target) && !re) {
    const ig = ignore().add(target)
    match = (f) => ig.ignores(rel(f)) || ig.ignores(basename(f))
  } else if (re) {
    let rx: RegExp
    try {
      rx = new RegExp(re[1]!, re[2])
    } catch (error) {
      return { root, files: [], ignorable: false, error: { code: 'TARGET_NOT_FOUND', file: root, message: `invalid pattern ${target}: ${(error as Error).message}`, hint: 'Patterns are globs ("auth/**"), /regular expressions/ or plain text.' } }
    }
    match = (f) => rx.test(rel(f))
  } else {
    let rx: RegExp | undefined
    try {
      rx = new RegExp(target, 'i')
    } catch {
      rx = undefined
    }
    const needle = target.toLowerCase()
    match = (f) => (rx ? rx.test(rel(f)) : rel(f).toLowerCase().includes(needle) || basename(f).toLowerCase().includes(needle))
  }
  return { root, files: all.filter(match), ignorable: true }
}

function enclosingDokkimi(abs: string): string | undefined {
  let cur = dirname(abs)
  for (;;) {
    if (basename(cur) === '.dokkimi') return cur
    const parent = dirname(cur)
    if (parent === cur) return undefined
    cur = parent
  }
}

function notFound(cwd: string): ScanPlan {
  return {
    root: cwd,
    files: [],
    ignorable: false,
    error: { code: 'PROJECT_NOT_FOUND', file: resolve(cwd), message: `.dokkimi/ not found at ${resolve(cwd)} or any parent folder`, hint: 'Run `dokkimi init` to create one, or pass the folder to use.' },
  }
}

/** `.dokkimi/.dokignore` with .gitignore syntax; applies to CI runs only (F-009, seed decision). */
export function loadDokignore(root: string): ((file: string) => boolean) | undefined {
  let text: string
  try {
    text = readFileSync(join(root, '.dokignore'), 'utf8')
  } catch {
    return undefined
  }
  const ig = ignore().add(text)
  return (file) => {
    const rel = relative(root, file).split(sep).join('/')
    return !rel.startsWith('..') && ig.ignores(rel)
  }
}
