import { relative, resolve } from 'node:path'
import { createProject, folderOf, formatPath, IssueSink, isInside, isInsideRoot, isProjectFile, loadCached, type Project, resolveFrom } from './_context.js'
import { loadProjectConfig, type ProjectConfig } from './_config.js'
import { checkRuntimeReferences, interpolateDefinition } from './_interpolate.js'
import { isObject, resolveActionRef, resolveObjectRef, resolveUiStepRefs, resolveVariablesRef } from './_refs.js'
import { loadDokignore, planScan } from './_scan.js'
import { isSeedDefinition, normaliseSeed } from './_seed.js'
import { carryPositions, childPosition, locate, positionOf, setChildPosition, type SourcePos, withPositionStore } from './_source.js'
import { validateWith } from './_validate.js'
import type { Issue } from './issues.js'
import {
  DATABASE_DEFAULTS,
  DEFAULT_BROWSER_VERSION,
  DEFAULT_TIMEOUT_SECONDS,
  type Definition,
  type FileResult,
  type InitFile,
  type Item,
} from './model.js'
import { definitionSchema } from './schema-definition.js'
import { SCREENSHOT_NAME } from './schema-ui.js'

type Obj = Record<string, unknown>

export interface LoadOptions {
  /** Folder relative targets and discovery start from. @default process.cwd() */
  cwd?: string
  /** Apply `.dokkimi/.dokignore` (CI runs only, F-009). @default false */
  ci?: boolean
  /** The running Dokkimi version: a project pinning a newer one gets a warning (F-007). */
  version?: string
}

export interface LoadResult {
  /** The `.dokkimi/` folder (or standalone folder) that was resolved. */
  root: string
  /** Valid runnable definitions, in file order. */
  definitions: Definition[]
  /** One entry per scanned file (fragments included). */
  files: FileResult[]
  config: ProjectConfig
  errors: Issue[]
  warnings: Issue[]
  /** Every file read (definitions, fragments, config, init files): what watch mode watches. */
  dependencies: string[]
}

/**
 * Scans a `.dokkimi/` folder, a sub-folder, a single file or a name pattern, and resolves every
 * runnable definition in it into the normalised model, with issues instead of exceptions.
 */
export function loadDefinitions(target?: string, options: LoadOptions = {}): LoadResult {
  return withPositionStore(() => load(target, options))
}

function load(target: string | undefined, options: LoadOptions): LoadResult {
  const cwd = options.cwd ?? process.cwd()
  const plan = planScan(target, cwd)
  const project = createProject(plan.root)
  const result: LoadResult = { root: plan.root, definitions: [], files: [], config: { env: {}, images: {} }, errors: [], warnings: [], dependencies: [] }
  if (plan.error) {
    const sink = new IssueSink()
    sink.add(plan.error.code, { file: plan.error.file, line: 0, column: 0 }, { message: plan.error.message, ...(plan.error.hint ? { hint: plan.error.hint } : {}) })
    result.errors.push(...sink.issues)
    return result
  }
  const cfg = loadProjectConfig(project, options.version)
  project.env = cfg.config.env
  result.config = cfg.config
  split(cfg.issues, result)
  const deps = new Set<string>(cfg.file ? [cfg.file] : [])
  const ignored = options.ci && plan.ignorable ? loadDokignore(plan.root) : undefined
  const names = new Map<string, string>()
  for (const file of plan.files) {
    if (ignored?.(file) || file === cfg.file) continue
    const fr = resolveFile(project, file)
    for (const d of fr.dependencies) deps.add(d)
    if (fr.definition) {
      const first = names.get(fr.definition.name)
      if (first !== undefined) {
        const sink = new IssueSink(fr.definition.name)
        const parsed = loadCached(project, file)
        const at = parsed.ok ? locate(parsed.value, ['name'], { file, line: 0, column: 0 }) : { file, line: 0, column: 0 }
        sink.add('DUPLICATE_DEFINITION_NAME', at, { path: 'name', value: fr.definition.name, hint: `Also defined in ${relative(plan.root, first)}; definition names must be unique.` })
        fr.errors.push(...sink.issues)
        fr.kind = 'invalid'
        delete fr.definition
      } else names.set(fr.definition.name, file)
    }
    result.files.push(fr)
    if (fr.definition) result.definitions.push(fr.definition)
    result.errors.push(...fr.errors)
    result.warnings.push(...fr.warnings)
  }
  result.dependencies = [...deps]
  return result
}

function split(issues: Issue[], into: { errors: Issue[]; warnings: Issue[] }): void {
  for (const i of issues) (i.severity === 'error' ? into.errors : into.warnings).push(i)
}

/** Resolves one file in the context of its project; fragments come back with kind `fragment`. */
export function resolveFile(project: Project, file: string): FileResult {
  const fr: FileResult = { file, kind: 'fragment', errors: [], warnings: [], dependencies: [file] }
  const parsed = loadCached(project, file)
  if (!parsed.ok) {
    const sink = new IssueSink()
    if ('missing' in parsed && parsed.missing) sink.add('TARGET_NOT_FOUND', { file, line: 0, column: 0 }, { message: `file not found: ${file}` })
    else sink.add('PARSE_ERROR', { file, line: parsed.line, column: parsed.column }, { message: `parse error: ${parsed.message}` })
    split(sink.issues, fr)
    fr.kind = 'invalid'
    return fr
  }
  const raw = parsed.value
  // F-004: runnable iff an object with a string name and an array items. A file with name and a
  // non-array items is a definition gone wrong (V-023), not a fragment.
  if (!isObject(raw) || typeof raw.name !== 'string' || raw.items === undefined) return fr
  fr.kind = 'definition'
  fr.name = raw.name
  const sink = new IssueSink(raw.name)
  const files = new Set<string>([file])
  const definition = resolveDefinitionObject(project, raw, file, sink, files)
  fr.dependencies = [...files]
  split(sink.issues, fr)
  if (fr.errors.length > 0 || !definition) fr.kind = 'invalid'
  else fr.definition = definition
  return fr
}

function resolveDefinitionObject(project: Project, raw: Obj, file: string, sink: IssueSink, files: Set<string>): Definition | undefined {
  const scope = { project, sink, files }
  const fallback: SourcePos = positionOf(raw) ?? { file, line: 1, column: 1 }
  if (!Array.isArray(raw.items)) {
    sink.addAt('ITEMS_NOT_ARRAY', raw, ['items'], fallback, { value: raw.items })
    return undefined
  }
  const def: Obj = { ...raw }
  carryPositions(def, raw)

  // Items: $ref with overrides (F-040..F-047).
  const items: unknown[] = []
  const origins: string[] = []
  raw.items.forEach((entry, i) => {
    if (!isObject(entry)) {
      sink.addAt('ITEM_NOT_OBJECT', raw, ['items', i], fallback, { value: entry })
      return
    }
    const r = resolveObjectRef(scope, entry, file, ['items', i], [file])
    if (!r) return
    setChildPosition(items, items.length, childPosition(raw.items, i))
    items.push(r.value)
    origins.push(r.origin)
  })
  carryPositions(items, raw.items)
  def.items = items
  if (items.length === 0 && !sink.hasErrors) sink.addAt('ITEMS_EMPTY', raw, ['items'], fallback)

  // Variables $ref at definition and test level (F-051).
  if (isObject(def.variables)) {
    const v = resolveVariablesRef(scope, def.variables, file, ['variables'])
    if (v) def.variables = v
  }
  if (isObject(raw.tests) && !Array.isArray(raw.tests)) {
    sink.addAt('TESTS_LEGACY_OBJECT', raw, ['tests'], fallback)
    return undefined
  }
  // Action refs and UI sub-step refs on top-level steps (F-048..F-050).
  const expandSteps = (steps: unknown, path: (string | number)[]): unknown => {
    if (!Array.isArray(steps)) return steps
    let out: unknown[] | undefined
    steps.forEach((s, i) => {
      if (!isObject(s) || !isObject(s.action)) return
      const action = resolveActionRef(scope, s.action, file, [...path, i, 'action'])
      if (!action) return
      const withUi = expandUi(action, [...path, i, 'action'])
      // Copy-on-write: a step whose action did not change stays as parsed.
      if (withUi === s.action) return
      const step = { ...s, action: withUi }
      carryPositions(step, s)
      ;(out ??= steps.slice())[i] = step
    })
    if (!out) return steps
    carryPositions(out, steps)
    return out
  }
  const expandUi = (action: Obj, path: (string | number)[]): Obj => {
    if (action.type === 'ui' && Array.isArray(action.steps)) {
      const out = { ...action, steps: resolveUiStepRefs(scope, action.steps, file, [...path, 'steps']) }
      carryPositions(out, action)
      return out
    }
    if (action.type === 'parallel' && Array.isArray(action.actions)) {
      const actions = action.actions.map((a, j) => (isObject(a) ? expandUi(a, [...path, 'actions', j]) : a))
      carryPositions(actions, action.actions)
      const out = { ...action, actions }
      carryPositions(out, action)
      return out
    }
    return action
  }
  if (Array.isArray(def.steps)) def.steps = expandSteps(def.steps, ['steps'])
  if (Array.isArray(def.tests)) {
    let tests: unknown[] | undefined
    def.tests.forEach((t, i) => {
      if (!isObject(t)) return
      const steps = expandSteps(t.steps, ['tests', i, 'steps'])
      const variables = isObject(t.variables) ? (resolveVariablesRef(scope, t.variables, file, ['tests', i, 'variables']) ?? t.variables) : t.variables
      // Copy-on-write, as for steps.
      if (steps === t.steps && variables === t.variables && !(steps === undefined && Object.hasOwn(t, 'steps'))) return
      const out: Obj = { ...t, steps }
      if (t.steps === undefined) delete out.steps
      if (variables !== t.variables) out.variables = variables
      carryPositions(out, t)
      ;(tests ??= (def.tests as unknown[]).slice())[i] = out
    })
    if (tests) {
      carryPositions(tests, def.tests)
      def.tests = tests
    }
  }
  if (sink.hasErrors) return undefined

  // Seed format → current (S-01..S-16), then schema validation (V-020..V-200).
  const format = isSeedDefinition(def) ? 'seed' : 'current'
  const normalised = normaliseSeed(def, sink, fallback)
  validateWith(definitionSchema, normalised, sink, fallback)
  crossChecks(normalised, sink, fallback)
  checkRuntimeReferences(normalised, sink, fallback)
  if (sink.hasErrors) return undefined

  // Build-time interpolation (F-020..F-024), then defaults and file resolution.
  const interpolated = interpolateDefinition(normalised, project.env, sink, fallback)
  if (sink.hasErrors) return undefined
  return finalise(project, interpolated, origins, file, format, sink, files, fallback)
}

function crossChecks(def: Obj, sink: IssueSink, fallback: SourcePos): void {
  const items = Array.isArray(def.items) ? def.items : []
  const seen = new Map<string, number>()
  items.forEach((item, i) => {
    if (!isObject(item) || typeof item.name !== 'string') return
    if (seen.has(item.name)) {
      // A name that comes from a fragment is reported at the $ref entry, where it can be overridden.
      const name = locate(def, ['items', i, 'name'], fallback)
      const entry = locate(def, ['items', i], fallback)
      sink.add('DUPLICATE_ITEM_NAME', name.file === entry.file ? name : entry, { path: formatPath(['items', i, 'name']), value: item.name })
    } else seen.set(item.name, i)
    if (typeof item.description === 'string' && item.description.length > 500) sink.addAt('ITEM_DESCRIPTION_TOO_LONG', def, ['items', i, 'description'], fallback)
  })
  const tests = Array.isArray(def.tests) ? def.tests : []
  tests.forEach((test, t) => {
    if (!isObject(test)) return
    // V-100: screenshot names unique per test, across all its UI steps.
    const names = new Set<string>()
    const path: (string | number)[] = ['tests', t]
    const visit = (value: unknown) => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          path.push(i)
          visit(v)
          path.pop()
        })
        return
      }
      if (!isObject(value)) return
      const shot = value.screenshot
      const name = typeof shot === 'string' ? shot : isObject(shot) && typeof shot.name === 'string' ? shot.name : undefined
      if (name !== undefined && SCREENSHOT_NAME.test(name)) {
        if (names.has(name)) sink.addAt('DUPLICATE_SCREENSHOT_NAME', def, [...path, 'screenshot'], fallback, { value: name })
        names.add(name)
      }
      for (const k of Object.keys(value)) {
        const v = value[k]
        if (typeof v !== 'object') continue
        path.push(k)
        visit(v)
        path.pop()
      }
    }
    visit(test)
    // V-099: a test-level repeat.until after a final wait step can never see a response.
    const repeat = test.repeat
    if (isObject(repeat) && Array.isArray(repeat.until) && Array.isArray(repeat.steps)) {
      const last = repeat.steps.at(-1)
      if (isObject(last) && isObject(last.action) && last.action.type === 'wait') sink.addAt('REPEAT_UNTIL_AFTER_WAIT', def, ['tests', t, 'repeat', 'until'], fallback)
    }
  })
}

function finalise(project: Project, def: Obj, origins: string[], file: string, format: 'seed' | 'current', sink: IssueSink, files: Set<string>, fallback: SourcePos): Definition | undefined {
  const cfg = isObject(def.config) ? def.config : {}
  const browser = isObject(cfg.browser) ? cfg.browser : {}
  const items = (def.items as Obj[]).map((raw, i) => finaliseItem(project, raw, origins[i] ?? file, i, def, sink, files, fallback))
  if (sink.hasErrors) return undefined
  const out: Definition = {
    name: def.name as string,
    file,
    format,
    config: {
      timeoutSeconds: (cfg.timeoutSeconds as number | undefined) ?? DEFAULT_TIMEOUT_SECONDS,
      browser: { version: (browser.version as string | undefined) ?? DEFAULT_BROWSER_VERSION },
      externalTraffic: (cfg.externalTraffic as 'block' | 'passthrough' | undefined) ?? 'block',
    },
    variables: isObject(def.variables) ? def.variables : {},
    items: items as unknown as Item[],
    tests: (Array.isArray(def.tests) ? def.tests : []) as Definition['tests'],
  }
  if (typeof def.description === 'string') out.description = def.description
  return out
}

function finaliseItem(project: Project, raw: Obj, origin: string, i: number, def: Obj, sink: IssueSink, files: Set<string>, fallback: SourcePos): Obj {
  const item: Obj = { ...raw, source: origin }
  const base = folderOf(project, origin)
  if (item.type !== 'MOCK' && item.type !== 'HTTP_REQUEST' && item.type !== 'DB_QUERY') item.stage = (raw.stage as number | undefined) ?? 0
  if (item.type === 'SERVICE' || item.type === 'WORKER' || item.type === 'BROKER') item.env = raw.env ?? []
  if (Array.isArray(raw.mountFiles)) {
    item.mountFiles = raw.mountFiles.map((m: Obj, j) => {
      const abs = resolve(base, m.source as string)
      const path = ['items', i, 'mountFiles', j, 'source']
      if (!isInside(project.projectRoot, abs)) sink.addAt('MOUNT_FILE_OUTSIDE_PROJECT', def, path, fallback, { value: m.source })
      else if (!isProjectFile(project, abs)) sink.addAt('MOUNT_FILE_NOT_FOUND', def, path, fallback, { message: `mount file not found: ${JSON.stringify(m.source)} (resolved to ${abs})` })
      else files.add(abs)
      return { ...m, absoluteSource: abs }
    })
  }
  if (item.type === 'DATABASE') {
    const engine = DATABASE_DEFAULTS[raw.database as keyof typeof DATABASE_DEFAULTS]
    item.image = (raw.image as string | undefined) ?? `${engine.image}:${(raw.version as string | undefined) ?? engine.version}`
    item.port = engine.port
    const initFiles: InitFile[] = []
    const addInit = (p: string, path: (string | number)[]) => {
      const abs = resolveFrom(project, base, p)
      if (!isInsideRoot(project, abs)) sink.addAt('INIT_FILE_OUTSIDE_PROJECT', def, path, fallback, { value: p, hint: `Init files must live inside ${project.root}.` })
      else if (!isProjectFile(project, abs)) sink.addAt('INIT_FILE_NOT_FOUND', def, path, fallback, { message: `init file not found: ${JSON.stringify(p)} (resolved to ${abs})`, hint: `Init file paths are relative to ${origin}.` })
      else files.add(abs)
      initFiles.push({ path: p, absolutePath: abs })
    }
    if (typeof raw.initFilePath === 'string') addInit(raw.initFilePath, ['items', i, 'initFilePath'])
    if (Array.isArray(raw.initFilePaths)) raw.initFilePaths.forEach((p, j) => addInit(p as string, ['items', i, 'initFilePaths', j]))
    item.initFiles = initFiles
    if (raw.noAuth !== true)
      item.credentials = { dbName: (raw.dbName as string) ?? 'dokkimi', dbUser: (raw.dbUser as string) ?? 'dokkimi', dbPassword: (raw.dbPassword as string) ?? 'dokkimi' }
  }
  if (item.type === 'MOCK') {
    item.mockMethod = typeof raw.mockMethod === 'string' ? raw.mockMethod.toUpperCase() : '*'
    item.mockResponseStatus = raw.mockResponseStatus ?? 200
    item.mockDelayMs = raw.mockDelayMs ?? raw.mockResponseDelay ?? 0 // S-15
    item.mockOrigin = raw.mockOrigin || '*'
    delete item.mockResponseDelay
  }
  return item
}
