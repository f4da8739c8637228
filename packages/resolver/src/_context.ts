import { statSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { type Issue, type IssueCode, ruleOf } from './issues.js'
import { locate, readSource, type ParseResult, type SourcePos } from './_source.js'

/** What a resolution shares across the definitions of one invocation. */
export interface Project {
  /** The `.dokkimi/` folder (or the standalone folder) everything is relative to. */
  root: string
  /** The parent of `.dokkimi/`: mount files may come from anywhere inside it (F-015). */
  projectRoot: string
  env: Record<string, string>
  /** Parsed files by absolute path, so a fragment used by many definitions is read once. */
  cache: Map<string, ReturnType<typeof readSource>>
  /** `isFile` answers by absolute path: `$ref`s, their ancestor fallbacks and init files repeat. */
  stats: Map<string, boolean>
  /** `resolveRefPath` answers by folder, then `$ref` string. */
  refs: Map<string, Map<string, RefPath>>
  /** The folder of each file a `$ref` or an init file is relative to. */
  dirs: Map<string, string>
  /** `resolve(folder, path)` answers by folder, then path: init files repeat across definitions. */
  resolved: Map<string, Map<string, string>>
  /** `isInside(root, path)` answers by path. */
  inRoot: Map<string, boolean>
}

/** Creates the cache-holding context for one resolution of `root`. */
export function createProject(root: string, env: Record<string, string> = {}): Project {
  return { root, projectRoot: dirname(root), env, cache: new Map(), stats: new Map(), refs: new Map(), dirs: new Map(), resolved: new Map(), inRoot: new Map() }
}

export function loadCached(project: Project, file: string): ParseResult | ({ ok: false; missing: true } & Omit<ParseResult & { ok: false }, 'ok'>) {
  let hit = project.cache.get(file)
  if (!hit) {
    hit = readSource(file)
    project.cache.set(file, hit)
  }
  return hit
}

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

export function isFile(path: string): boolean {
  try {
    // A missing path is the common miss: no exception for it.
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false
  } catch {
    return false
  }
}

/** `isFile`, remembered for the rest of the project's resolution. */
export function isProjectFile(project: Project, path: string): boolean {
  let hit = project.stats.get(path)
  if (hit === undefined) {
    hit = isFile(path)
    project.stats.set(path, hit)
  }
  return hit
}

export interface RefPath {
  path: string
  viaAncestor?: string
  tried: string[]
}

/** `dirname(file)`, remembered for the rest of the project's resolution. */
export function folderOf(project: Project, file: string): string {
  let dir = project.dirs.get(file)
  if (dir === undefined) {
    dir = dirname(file)
    project.dirs.set(file, dir)
  }
  return dir
}

/** `resolve(folder, path)`, remembered for the rest of the project's resolution. */
export function resolveFrom(project: Project, folder: string, path: string): string {
  let inFolder = project.resolved.get(folder)
  if (!inFolder) {
    inFolder = new Map()
    project.resolved.set(folder, inFolder)
  }
  let abs = inFolder.get(path)
  if (abs === undefined) {
    abs = resolve(folder, path)
    inFolder.set(path, abs)
  }
  return abs
}

/** `isInside(project.root, path)`, remembered for the rest of the project's resolution. */
export function isInsideRoot(project: Project, path: string): boolean {
  let hit = project.inRoot.get(path)
  if (hit === undefined) {
    hit = isInside(project.root, path)
    project.inRoot.set(path, hit)
  }
  return hit
}

/**
 * Resolves a `$ref` path relative to the file containing it (F-044). When that misses, the same
 * relative path is tried from each ancestor folder up to the project root, nearest first: the
 * seed documents write `../shared/x.yaml` from `<project>/definitions/` (FEATURES.md decisions).
 */
export function resolveRefPath(project: Project, ref: string, fromFile: string): RefPath {
  const dir = folderOf(project, fromFile)
  let inDir = project.refs.get(dir)
  if (!inDir) {
    inDir = new Map()
    project.refs.set(dir, inDir)
  }
  let hit = inDir.get(ref)
  if (!hit) {
    hit = findRefPath(project, ref, fromFile)
    inDir.set(ref, hit)
  }
  return hit
}

function findRefPath(project: Project, ref: string, fromFile: string): RefPath {
  const direct = resolve(dirname(fromFile), ref)
  const tried = [direct]
  if (isProjectFile(project, direct) || isAbsolute(ref)) return { path: direct, tried }
  let dir = dirname(dirname(fromFile))
  while (isInsideRoot(project, dir)) {
    const candidate = resolve(dir, ref)
    const inside = isInsideRoot(project, candidate)
    if (inside && !tried.includes(candidate)) tried.push(candidate)
    if (inside && isProjectFile(project, candidate)) {
      let suggested = relative(dirname(fromFile), candidate).split(sep).join('/')
      if (!suggested.startsWith('.')) suggested = `./${suggested}`
      return { path: candidate, viaAncestor: suggested, tried }
    }
    if (dir === project.root) break
    dir = dirname(dir)
  }
  return { path: direct, tried }
}

/** Collects the issues of one definition, positioned in the files they concern. */
export class IssueSink {
  readonly issues: Issue[] = []
  private readonly seen = new Set<string>()
  constructor(readonly definition?: string) {}

  add(
    code: IssueCode,
    at: SourcePos,
    opts: { path?: string; value?: unknown; key?: string; message?: string; hint?: string } = {},
  ): void {
    const rule = ruleOf(code)
    const message = opts.message ?? rule.message(opts.value, opts.key ?? '')
    const dedupe = `${code}|${at.file}|${at.line}|${at.column}|${opts.path ?? ''}|${message}`
    if (this.seen.has(dedupe)) return
    this.seen.add(dedupe)
    const issue: Issue = {
      code,
      rule: rule.rule,
      severity: rule.severity,
      message,
      file: at.file,
      line: at.line,
      column: at.column,
      path: opts.path ?? '',
    }
    const hint = opts.hint ?? rule.hint
    if (hint) issue.hint = hint
    if (this.definition) issue.definition = this.definition
    this.issues.push(issue)
  }

  /** Adds an issue at `path` inside `root`, located through the source positions. */
  addAt(code: IssueCode, root: unknown, path: (string | number)[], fallback: SourcePos, opts: { value?: unknown; key?: string; message?: string; hint?: string } = {}): void {
    this.add(code, locate(root, path, fallback), { ...opts, path: formatPath(path) })
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error')
  }
}

/** `['tests', 0, 'steps', 1]` → `tests[0].steps[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? String(seg) : `.${String(seg)}`
  }
  return out
}
