/**
 * Benchmark: resolve + validate a large generated `.dokkimi/` project, against a baseline that
 * only reads and parses the same files with the `yaml` library.
 *
 *   pnpm bench:validate [--defs=1000] [--refs=10] [--runs=7] [--warmup=2] [--profile-only]
 *
 * (A) `loadDefinitions` on the whole project: scan, parse, `$ref` resolution, seed
 *     normalisation, schema validation, interpolation, init-file checks.
 * (P) read every definition, fragment and config file and parse it the way the resolver does
 *     (js-yaml with parse events for positions; the yaml library for what is not plain data).
 * (B) the same files with the yaml library's `parseDocument`, a LineCounter and the resolver's
 *     options; (B') the same with plain `parse`; (J) js-yaml's `load` alone, no positions;
 *     (R) read only.
 *
 * `--profile-only` generates, then runs A only (for `node --cpu-prof`).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type * as JsYaml from '../../packages/resolver/node_modules/@types/js-yaml/index.js'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadDefinitions } from '../../packages/resolver/src/index.js'
import { parseSource, withPositionStore } from '../../packages/resolver/src/_source.js'
// The resolver's own copy of `yaml` (the root package does not depend on it): the baseline
// parses with exactly the code the resolver parses with.
import { LineCounter, parse, parseDocument } from '../../packages/resolver/node_modules/yaml/dist/index.js'
import { generateProject } from './generate.js'

// js-yaml as the resolver loads it (a dependency of the resolver, not of the root package).
const { load: loadJsYaml } = createRequire(new URL('../../packages/resolver/package.json', import.meta.url))('js-yaml') as typeof JsYaml

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..', '..')
const OUT = join(here, '.generated')
const TARGET_MS = 1_000

const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k!, v ?? 'true'] as const }))
const num = (key: string, fallback: number) => (args.has(key) ? Number(args.get(key)) : fallback)
const DEFS = num('defs', 1000)
const REFS = num('refs', 10)
const RUNS = num('runs', 7)
const WARMUP = num('warmup', 2)

const t0 = performance.now()
const project = generateProject(OUT, { definitions: DEFS, refsPerDefinition: REFS })
const generatedMs = performance.now() - t0
const bytes = project.parseFiles.reduce((n, f) => n + readFileSync(f).length, 0)
console.log(`generated ${relative(repo, project.root)} in ${ms(generatedMs)}: ${project.definitionFiles.length} definitions (${REFS} $refs each), ${project.fragmentFiles.length} fragments, ${project.initFiles.length} init files; ${project.parseFiles.length} YAML/JSON files, ${(bytes / 1024).toFixed(0)} KiB`)

const resolveAll = () => loadDefinitions(project.root)

if (args.has('profile-only')) {
  for (let i = 0; i < WARMUP + RUNS; i++) resolveAll()
  console.log('profile-only: done')
  process.exit(0)
}

// Correctness first: every definition resolved, no errors.
const result = resolveAll()
const defsOk = result.definitions.length === DEFS
const errorsOk = result.errors.length === 0
const refItems = result.definitions.reduce((n, d) => n + d.items.length, 0)
console.log(`check: ${result.definitions.length}/${DEFS} definitions resolved, ${refItems} items, ${result.files.length} files scanned, ${result.errors.length} errors, ${result.warnings.length} warnings (${summarise(result.warnings.map((w) => w.code))}), ${result.dependencies.length} dependencies  ${defsOk && errorsOk ? 'OK' : 'FAILED'}`)
if (!errorsOk) for (const e of result.errors.slice(0, 10)) console.log(`  ${e.code} ${relative(project.root, e.file)}:${e.line}:${e.column} ${e.path} ${e.message}`)


const parseOptions = { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false } as const
const resolverParseAll = () =>
  withPositionStore(() => {
    let n = 0
    for (const f of project.parseFiles) {
      const r = parseSource(f, readFileSync(f, 'utf8'))
      if (!r.ok) throw new Error(`${f}: ${r.message}`)
      n++
    }
    return n
  })
const readAll = () => {
  let n = 0
  for (const f of project.parseFiles) n += readFileSync(f, 'utf8').length
  return n
}
const parseDocumentAll = () => {
  let n = 0
  for (const f of project.parseFiles) {
    const text = readFileSync(f, 'utf8')
    const lineCounter = new LineCounter()
    const doc = parseDocument(text, { ...parseOptions, lineCounter })
    if (doc.errors.length) throw new Error(`${f}: ${doc.errors[0]!.message}`)
    n += doc.contents ? 1 : 0
  }
  return n
}
const parseAll = () => {
  let n = 0
  for (const f of project.parseFiles) n += parse(readFileSync(f, 'utf8')) ? 1 : 0
  return n
}

const jsYamlAll = () => {
  let n = 0
  for (const f of project.parseFiles) n += loadJsYaml(readFileSync(f, 'utf8')) ? 1 : 0
  return n
}

const cases = [
  { key: 'A', label: 'loadDefinitions (resolve + validate)', fn: resolveAll },
  { key: 'P', label: "read + the resolver's parser", fn: resolverParseAll },
  { key: 'B', label: 'read + yaml parseDocument (LineCounter)', fn: parseDocumentAll },
  { key: "B'", label: 'read + yaml parse', fn: parseAll },
  { key: 'J', label: 'read + js-yaml load (no positions)', fn: jsYamlAll },
  { key: 'R', label: 'read only', fn: readAll },
]
const samples = new Map<string, number[]>(cases.map((c) => [c.key, []]))
for (let i = 0; i < WARMUP; i++) for (const c of cases) c.fn()
// Interleaved, so drift (thermal, other load) hits every case alike.
for (let i = 0; i < RUNS; i++) {
  for (const c of cases) {
    const start = performance.now()
    c.fn()
    samples.get(c.key)!.push(performance.now() - start)
  }
}

const med = new Map(cases.map((c) => [c.key, median(samples.get(c.key)!)]))
const a = med.get('A')!
console.log(`\n${WARMUP} warm-up + ${RUNS} measured runs each, node ${process.version}, ${process.platform}/${process.arch}`)
console.log(`${'case'.padEnd(44)} ${'median'.padStart(10)} ${'min'.padStart(10)} ${'max'.padStart(10)} ${'A / case'.padStart(9)}`)
for (const c of cases) {
  const s = samples.get(c.key)!
  console.log(`${`${c.key.padEnd(3)}${c.label}`.padEnd(44)} ${ms(med.get(c.key)!).padStart(10)} ${ms(Math.min(...s)).padStart(10)} ${ms(Math.max(...s)).padStart(10)} ${`${(a / med.get(c.key)!).toFixed(2)}x`.padStart(9)}`)
}
const verdict = DEFS === 1000 && REFS === 10 ? (a < TARGET_MS ? 'met' : 'NOT met') : 'applies to --defs=1000 --refs=10 only'
const b = med.get('B')!
console.log(`\nA = ${ms(a)} for ${DEFS} definitions (${(a / DEFS).toFixed(3)} ms each); A/B = ${(a / b).toFixed(2)}; target < ${TARGET_MS} ms: ${verdict}`)
console.log(`parsing: P = ${ms(med.get('P')!)} (${((100 * med.get('P')!) / a).toFixed(0)}% of A); the yaml library alone (B) takes ${ms(b)}, ${((100 * b) / TARGET_MS).toFixed(0)}% of the ${TARGET_MS} ms budget`)
if (!defsOk || !errorsOk) process.exitCode = 1

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function ms(x: number): string {
  return `${x.toFixed(1)} ms`
}

function summarise(codes: string[]): string {
  const counts = new Map<string, number>()
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1)
  return [...counts].map(([c, n]) => `${c} ×${n}`).join(', ') || 'none'
}
