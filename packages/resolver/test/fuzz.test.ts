import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, posix, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { testdir } from '@dokkimi/test-utils'
import { loadDefinitions, RULES, type Issue, type LoadResult } from '@dokkimi/resolver'

/**
 * Property / fuzz tests: whatever is in `.dokkimi/`, `loadDefinitions` must come back (no throw,
 * no hang) with well-formed issues, and never hand out a definition whose file has errors.
 *
 * Reproducible: fixed seed. For a deeper local run: `FUZZ_SEED=7 FUZZ_RUNS=5000 npx vitest run
 * packages/resolver/test/fuzz.test.ts` (FUZZ_RUNS scales every property).
 *
 * The crashes this test found are fixed and pinned by the regression tests at the end: invalid
 * regex targets, `$ref` to non-regular files (FIFO, /dev/zero), self-referencing and exponential
 * YAML aliases, and prototype names (`__proto__`, `{{constructor}}`) in keys and references.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261121)
const SCALE = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) / 100 : 1
const runs = (n: number) => Math.max(1, Math.round(n * SCALE))
/** Per-property time limit: about 6 s is typical here, so this is headroom for a loaded CI box. */
const TIMEOUT_MS = 60_000 * Math.max(1, SCALE)
/**
 * Upper bound for one `loadDefinitions` call on these small trees (the seed tree loads in about
 * 20 ms). This is not a speed check: only a super-linear blow-up gets near it.
 */
const HANG_BOUND_MS = 5_000

const SEED_ROOT = fileURLToPath(new URL('./fixtures/seeds/.dokkimi', import.meta.url))

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

/** Calls made, so each property can show it really ran. */
const stats = { calls: 0 }

function fail(message: string): never {
  throw new Error(message)
}

function checkIssue(issue: Issue, expected: 'error' | 'warning', where: string): void {
  const show = () => `${where}: ${JSON.stringify(issue).slice(0, 400)}`
  const code: unknown = issue.code
  if (typeof code !== 'string' || code === '' || !(code in RULES)) fail(`bad code ${show()}`)
  if (typeof issue.message !== 'string' || issue.message.trim() === '') fail(`empty message ${show()}`)
  if (typeof issue.file !== 'string' || issue.file === '' || !isAbsolute(issue.file)) fail(`bad file ${show()}`)
  if (!Number.isInteger(issue.line) || issue.line < 0) fail(`bad line ${show()}`)
  if (!Number.isInteger(issue.column) || issue.column < 0) fail(`bad column ${show()}`)
  if (issue.severity !== 'error' && issue.severity !== 'warning') fail(`bad severity ${show()}`)
  if (issue.severity !== expected) fail(`${issue.severity} filed as ${expected} ${show()}`)
  if (typeof issue.path !== 'string') fail(`bad path ${show()}`)
}

/** Calls `loadDefinitions`, turning a throw into a readable failure, and times the call. */
function load(target: string | undefined, cwd: string, label: string): LoadResult {
  const started = performance.now()
  let result: LoadResult
  try {
    result = loadDefinitions(target, { cwd })
  } catch (error) {
    fail(`loadDefinitions threw on ${label}: ${(error as Error)?.stack ?? String(error)}`)
  }
  const ms = performance.now() - started
  stats.calls++
  if (ms > HANG_BOUND_MS) fail(`loadDefinitions took ${Math.round(ms)} ms on ${label} (bound ${HANG_BOUND_MS} ms): probable super-linear blow-up`)
  return result
}

function checkResult(result: LoadResult): void {
  if (!result || !Array.isArray(result.definitions) || !Array.isArray(result.files)) fail('result is missing definitions/files')
  if (!Array.isArray(result.errors) || !Array.isArray(result.warnings)) fail('result is missing errors/warnings')
  result.errors.forEach((i) => checkIssue(i, 'error', 'errors'))
  result.warnings.forEach((i) => checkIssue(i, 'warning', 'warnings'))
  const withDefinition = new Set<string>()
  for (const fr of result.files) {
    fr.errors.forEach((i) => checkIssue(i, 'error', `files[${fr.file}].errors`))
    fr.warnings.forEach((i) => checkIssue(i, 'warning', `files[${fr.file}].warnings`))
    if (fr.errors.length > 0 && fr.definition) fail(`${fr.file} has errors (${fr.errors.map((e) => e.code).join(', ')}) and still a definition`)
    if (fr.errors.length > 0 && fr.kind !== 'invalid') fail(`${fr.file} has errors but kind ${fr.kind}`)
    if (fr.definition) withDefinition.add(fr.file)
  }
  // Every error of a file is also in the top-level list (config issues come on top).
  const top = new Set(result.errors)
  for (const fr of result.files) for (const e of fr.errors) if (!top.has(e)) fail(`error of ${fr.file} missing from result.errors: ${e.code}`)
  const erroneous = new Set(result.files.filter((f) => f.errors.length > 0).map((f) => f.file))
  const seen = new Set<string>()
  for (const d of result.definitions) {
    if (erroneous.has(d.file)) fail(`definition ${d.name} comes from ${d.file}, which produced errors`)
    if (!withDefinition.has(d.file)) fail(`definition ${d.name} has no clean file result (${d.file})`)
    if (seen.has(d.file)) fail(`two definitions from ${d.file}`)
    seen.add(d.file)
    if (typeof d.name !== 'string' || !Array.isArray(d.items) || !Array.isArray(d.tests)) fail(`malformed definition from ${d.file}`)
  }
  if (result.definitions.length !== withDefinition.size) fail('definitions and files disagree')
}


// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const KEYS = [
  'name', 'items', 'tests', 'steps', '$ref', 'type', 'action', 'assertions', 'match', 'where', 'forEach', 'for', 'repeat',
  'path', 'operator', 'value', 'count', 'extract', 'variables', 'env', 'image', 'port', 'healthCheck', 'database',
  'initFilePath', 'initFilePaths', 'mountFiles', 'source', 'mockTarget', 'mockPath', 'mockMethod', 'mockResponseStatus',
  'mockResponseDelay', 'mockDelayMs', 'target', 'service', 'query', 'url', 'method', 'body', 'config', 'timeoutSeconds',
  'stage', 'as', 'until', 'screenshot', 'actions', 'or', 'and', 'not', 'from', 'to', 'description', 'stopOnFailure',
  '__proto__', 'constructor', 'toString', '', ' ', 'é',
]
const TYPES = [
  'SERVICE', 'DATABASE', 'MOCK', 'WORKER', 'BROKER', 'HTTP_REQUEST', 'DB_QUERY', 'http', 'database', 'httpRequest',
  'dbQuery', 'wait', 'parallel', 'ui', 'postgres', 'mysql', 'mongodb', 'redis', 'self', 'httpCall', 'response.body',
  'response.statusCode', 'request.body', 'eq', 'exists', 'doesNotExist', 'matches', 'in', 'GET', 'POST',
]
const LONG = 'x'.repeat(20_000)
const ODD_STRINGS = [
  '{{', '}}', '{{}}', '{{ a b }}', '{{orderId}}', '{{a.b[0].c}}', '${{X}}', '${{REGISTRY}}', '${{', '$${{X}}', '$$.a',
  '$$', '$.', '$', '$.a[', '$.a..b', '$.response.body.*', '...$ref', '...$ref.env', '...$ref.nope.deep',
  '../../../etc/passwd', '/etc/passwd', '..', '.', '', ' ', '\t', '\n', '\r\n', '\u0000', '\u202e', '\ufeff', 'é',
  '🙂', '𝕏', '漢字', 'null', '~', 'yes', 'no', '0x1F', '1e999', '-0', '.nan', '.inf', '<<', '- a', 'a: b', '[a',
  '{a', '"', "'", '#', '&a', '*a', '!!binary', '%YAML 1.2', '---', '...', '(.*)*', '[', '\\', 'constructor',
  '__proto__', 'toString', LONG,
]

/** `$ref` values a file may hold: relative, missing, self-ish, escaping, absolute. */
function refStrings(names: string[]): string[] {
  return [...names, '/dev/zero', '/dev/null', 'missing.yaml', './missing.json', '../shared/nope.yaml', '../../../etc/passwd', '/etc/hostname', '', '.', '..', './']
}

function scalarArb(refs: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
    { weight: 2, arbitrary: fc.constantFrom(...TYPES) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    { weight: 2, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, 1, 99, 100, 599, 600, 1.5, 2 ** 53, -(2 ** 31), Number.MAX_VALUE) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constantFrom(...refs) },
  )
}

/** Arbitrary JSON-ish values, biased toward the keys and words of the format. */
function valueArb(refs: string[], maxDepth = 5): fc.Arbitrary<unknown> {
  const scalar = scalarArb(refs)
  const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) })
  const { value } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown>; ref: Record<string, unknown> }>((tie) => ({
    value: fc.oneof({ maxDepth, depthIdentifier: 'fuzz-value' }, scalar, tie('array'), tie('object'), tie('ref')),
    array: fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'fuzz-value' }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 5, depthIdentifier: 'fuzz-value' }),
    ref: fc.record(
      { $ref: fc.oneof(fc.constantFrom(...refs), fc.array(fc.constantFrom(...refs), { maxLength: 3 }), scalar), env: fc.constantFrom(['...$ref.env'], ['...$ref.env', { name: 'A', value: '1' }], '...$ref.env') },
      { requiredKeys: ['$ref'] },
    ),
  }))
  return value
}

/**
 * Objects shaped like definitions. At `noise` 0 they are valid but for `$ref`s to files that may
 * not exist, so runs reach normalisation, interpolation and finalise; at higher levels each field
 * is more often an odd value (`edge`) or a random one.
 */
function definitionArb(refs: string[], noise: number): fc.Arbitrary<unknown> {
  const v = valueArb(refs, 3)
  const s = scalarArb(refs)
  const junk = noise === 0 ? [] : [{ weight: 1, arbitrary: v }]
  /** A valid value, or (with noise) an edge value or a random scalar. */
  const f = (good: unknown[], edge: unknown[] = [], bad: fc.Arbitrary<unknown> = s) =>
    noise === 0
      ? fc.constantFrom(...good)
      : fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...good) }, { weight: noise, arbitrary: edge.length ? fc.constantFrom(...edge) : bad }, { weight: noise, arbitrary: bad })
  /** A valid structure, or (with noise) a random value. */
  const g = (good: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown> = v) => (noise === 0 ? good : fc.oneof({ weight: 20, arbitrary: good }, { weight: noise, arbitrary: bad }))
  /** Keys that conflict with valid ones or are unknown: only with noise. */
  const extras = (keys: Record<string, fc.Arbitrary<unknown>>) => (noise === 0 ? fc.constant({}) : fc.option(fc.record(keys, { requiredKeys: [] }), { freq: 3, nil: {} }))
  const withExtras = <T extends object>(base: fc.Arbitrary<T>, keys: Record<string, fc.Arbitrary<unknown>>) => fc.tuple(base, extras(keys)).map(([b, e]) => ({ ...b, ...e }))

  const env = g(fc.array(fc.record({ name: f(['A', 'DB_URL'], ['a-b', '', '1A']), value: f(['1', '{{tag}}', '${{REGISTRY}}', 'http://db:5432'], ['{{ a b }}', '${{NOPE}}', '{{nope}}']) }), { maxLength: 3 }))
  const service = withExtras(
    fc.record(
      {
        type: f(['SERVICE'], ['WORKER', 'service']),
        name: f(['api', 'web'], ['', 'Api Gateway', 'a'.repeat(300)]),
        image: f(['api:1', '${{REGISTRY}}/api:{{tag}}', '{{image}}'], ['${{NOPE}}', '{{nope}}', '']),
        port: f([3000, 80], [0, 70_000, '3000']),
        healthCheck: f(['/health'], ['health', '']),
        env,
        stage: f([0, 1, 2], [-1, 1.5]),
        mountFiles: g(fc.array(fc.record({ source: f(['./init.sql'], ['../../etc/passwd', '../../../../etc/passwd', 'missing.txt', '']), target: f(['/app/x'], ['rel', '']) }), { maxLength: 2 })),
        command: f([['node', 'server.js']], ['node server.js', [1]]),
      },
      { requiredKeys: ['type', 'name', 'image', 'port', 'healthCheck'] },
    ),
    { uiPath: s, entrypoint: v, minCpu: s, maxMemory: s, mockTarget: s },
  )
  const database = withExtras(
    fc.record(
      {
        type: fc.constant('DATABASE'),
        name: f(['db'], ['', 'api']),
        database: f(['postgres', 'mysql', 'mongodb', 'redis'], ['toString', '__proto__', 'oracle']),
        version: f(['15', '8.0.36'], ['latest', '', 15]),
        initFilePath: f(['./init.sql'], ['../init.sql', '../../../etc/passwd', 'missing.sql', '']),
        dbName: f(['app']),
      },
      { requiredKeys: ['type', 'name', 'database'] },
    ),
    { initFilePaths: g(fc.array(fc.constantFrom('./init.sql', 'missing.sql', ''), { maxLength: 3 })), noAuth: s, image: s, port: s },
  )
  const mock = withExtras(
    fc.record(
      {
        type: fc.constant('MOCK'),
        name: f(['mock-stripe', 'mock-mail'], ['api', '']),
        mockTarget: f(['api.stripe.com'], ['', 'http://x:1/y']),
        mockPath: f(['/v1/charges', '*'], ['']),
        mockMethod: f(['post', 'GET', '*'], ['FETCH', '']),
        mockResponseStatus: f([200, 429], [99, 600, 1.5]),
        mockDelayMs: f([0, 2000], [-1]),
        mockResponseBody: f([{ ok: true }, 'text', null]),
        mockRequestBodyMatches: f(['^a+$'], ['(', '', '(a+)+$']),
      },
      { requiredKeys: ['type', 'name', 'mockTarget', 'mockPath'] },
    ),
    { mockResponseDelay: s, mockRequestBodyContains: s, stage: s },
  )
  const refItem = fc.record(
    { $ref: g(fc.constantFrom(...refs), fc.oneof(fc.array(fc.constantFrom(...refs), { maxLength: 3 }), s)), stage: f([0, 1]), env: g(fc.constantFrom(['...$ref.env', { name: 'X', value: '{{tag}}' }], ['...$ref.nope'])) },
    { requiredKeys: ['$ref'] },
  )
  const item = fc.oneof({ weight: 3, arbitrary: service }, { weight: 2, arbitrary: database }, { weight: 2, arbitrary: mock }, { weight: 1, arbitrary: refItem }, ...junk)
  // Item names must be unique; the noise makes them collide on purpose.
  const items = g(
    fc.array(item, { minLength: 1, maxLength: 4 }).map((list) =>
      noise === 0 ? list.filter((it, i) => list.findIndex((o) => (o as { name?: unknown }).name === (it as { name?: unknown }).name) === i) : list,
    ),
  )

  const path = f(['$.response.status', '$.response.body.items[0].id', '$.response.headers'], ['$.a[', '$$.a', 'response.body', '$.', '$.a..b'])
  const operator = f(['eq', 'ne', 'exists', 'contains', 'gte'], ['doesNotExist', 'matches', 'in', 'equals', ''])
  const assertion = fc.oneof(
    fc.record({ path, operator, value: f([200, 'ok', '{{orderId}}'], ['(', [1, 2]], v) }),
    fc.record({ type: f(['response.body', 'response.statusCode', 'request.body'], ['responseTime', 'constructor', '$.x']), path: f(['$.order.id', 'order.id']), operator, value: f([1, 'a']) }, { requiredKeys: ['type', 'operator', 'value'] }),
    ...junk,
  )
  const where = fc.array(fc.oneof(fc.record({ path: f(['$$.request.url', '$$.origin'], ['$.x', '$$']), operator: f(['contains', 'eq']), value: f(['/v1', 'api']) }), ...junk), { minLength: 1, maxLength: 3 })
  const block = fc.oneof(
    fc.record({ assertions: g(fc.array(assertion, { minLength: 1, maxLength: 3 })) }),
    fc.record(
      {
        match: g(fc.record({ path: f(['$.traffic'], ['$.consoleLogs', 'traffic']), where: g(where), count: g(fc.oneof(fc.nat(3), fc.record({ operator: f(['gte', 'eq']), value: f([1]) }))) }, { requiredKeys: ['path'] })),
        assertions: g(fc.array(fc.record({ path: f(['$.match.request.body', '$.match.response.status']), operator: f(['exists']) }), { maxLength: 2 })),
      },
      { requiredKeys: ['match'] },
    ),
    fc.record({ target: f(['httpCall'], ['self', 'other']), match: g(fc.record({ origin: f(['payment-service']), method: f(['POST', 'get']), url: f(['api.stripe.com/v1/charges']) }, { requiredKeys: [] })), assertions: g(fc.array(assertion, { minLength: 1, maxLength: 3 })) }, { requiredKeys: ['target', 'match'] }),
    fc.record({ target: f(['self'], ['httpCall']), assertions: g(fc.array(assertion, { minLength: 1, maxLength: 3 })) }),
    ...junk,
  )
  const leafAction = fc.oneof(
    fc.record({ type: f(['httpRequest', 'http'], ['HTTP']), method: f(['GET', 'POST'], ['get', 'FETCH']), url: f(['api/v1/orders', 'api/v1/orders/{{orderId}}'], ['api:3000/x', 'http://api/x', '{{ bad }}']), body: f([{ a: 1 }, 'x']), headers: f([{ 'x-a': 'b' }], [{ a: 1 }]) }, { requiredKeys: ['type', 'method', 'url'] }),
    fc.record({ type: f(['dbQuery', 'database']), database: f(['db'], ['nope', '']), query: f(['SELECT 1', ' select {{id}} '], ['', 1]), params: f([{ '1': 2 }], [[1]]) }, { requiredKeys: ['type', 'database', 'query'] }),
    fc.record({ type: fc.constant('wait'), durationMs: f([1, 100], [0, -5, 1.5]) }),
    fc.record({
      type: fc.constant('ui'),
      target: f(['web', 'api'], ['db', '']),
      steps: g(fc.array(fc.oneof(fc.constantFrom({ visit: '/' }, { click: 'a' }, { screenshot: 'home' }, ...(noise ? [{ type: { selector: '#a' } }, { visit: '/', click: 'a' }, { screenshot: 'bad name!' }] : [])), ...(noise ? [fc.record({ $ref: fc.constantFrom(...refs) })] : [])), { minLength: 1, maxLength: 4 })),
    }),
  )
  const action = fc.oneof(
    { weight: 6, arbitrary: leafAction },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('parallel'), actions: g(fc.array(g(leafAction), { minLength: 1, maxLength: 3 })) }) },
    { weight: 1, arbitrary: fc.record({ $ref: fc.constantFrom(...refs), method: f(['PUT']) }, { requiredKeys: ['$ref'] }) },
    ...junk,
  )
  const loop = fc.oneof(
    fc.record({ forEach: fc.record({ items: f([['a', 'b'], '{{list}}'], ['$.response.body', [], 'x']), as: f(['x'], ['a b', '']) }) }),
    fc.record({ for: fc.record({ from: f([0, 1]), to: f([2, 3], [100_000, -1]), as: f(['i']) }) }),
    fc.record({ repeat: fc.record({ count: f([1, 3], [0, -1]), as: f(['n'], ['']), until: g(fc.array(assertion, { maxLength: 2 })) }, { requiredKeys: ['count', 'as'] }) }),
  )
  const plainStep = fc.record(
    {
      name: f(['step'], ['', 1]),
      action,
      assertions: g(fc.array(block, { maxLength: 3 })),
      extract: g(fc.dictionary(fc.constantFrom('orderId', 'x', ...(noise ? ['a-b', ''] : [])), f(['response.body.order.id', '$.response.body.id'], ['{{x}}', '$.', 1]), { maxKeys: 2 })),
      stopOnFailure: f([true, false], ['yes']),
    },
    { requiredKeys: ['action'] },
  )
  const step = fc.oneof(
    { weight: 5, arbitrary: plainStep },
    // A loop wraps its body (the step fields go inside the loop object).
    { weight: 1, arbitrary: fc.tuple(loop, plainStep).map(([l, body]) => { const [k, o] = Object.entries(l)[0]!; return { [k]: { ...(o as object), ...body } } }) },
    ...junk,
  )
  const test = fc.oneof(
    { weight: 5, arbitrary: fc.record({ name: f(['t1', 't2'], ['', 1]), steps: g(fc.array(step, { maxLength: 3 })), variables: g(fc.record({ a: fc.constant('1'), list: fc.constant(['x']) }), fc.oneof(fc.record({ $ref: fc.constantFrom(...refs) }), v)), timeoutSeconds: f([30], [0, -1]) }, { requiredKeys: ['name', 'steps'] }) },
    ...junk,
  )
  return fc
    .tuple(
      fc.record(
        {
          name: f(['d1', 'd2', 'dup'], ['', 'a'.repeat(101)]),
          items,
          variables: g(fc.record({ tag: fc.constant('1.0'), image: fc.constantFrom('api:2', '${{IMAGE_TAG}}') }), fc.oneof(fc.record({ $ref: fc.constantFrom(...refs) }), v)),
          config: g(fc.record({ timeoutSeconds: f([60], [0]), externalTraffic: f(['block', 'passthrough'], ['allow']), browser: f([{ version: '120' }], [{ v: 1 }]) }, { requiredKeys: [] })),
          description: f(['a definition']),
        },
        { requiredKeys: ['name', 'items'] },
      ),
      fc.oneof(fc.record({ tests: g(fc.array(test, { maxLength: 2 })) }), fc.record({ steps: g(fc.array(step, { minLength: 1, maxLength: 3 })) }), fc.constant({})),
      extras(Object.fromEntries(KEYS.slice(0, 12).map((k) => [k, v]))),
    )
    .map(([base, body, extra]) => ({ ...extra, ...base, ...body }))
}

/** Text that is only sort-of YAML: snippets plus random characters. */
const YAML_SNIPPETS = [
  'name: x\n', 'items:\n', '  - ', '- $ref: ./a.yaml\n', 'a: &a [1, 2]\nb: *a\n', '<<: {a: 1}\n', '? [a, b]\n: c\n',
  '%YAML 1.2\n---\n', '---\n', '...\n', '\t', '  ', ': ', '{', '}', '[', ']', '"', "'", '#', '&x ', '*x', '!!str ', '!custom ',
  '|\n  block\n', '>-\n  folded\n', 'x: !!binary aGVsbG8=\n', '\ufeff', '\u0000', 'a: 1\na: 2\n', 'name: [\n', '{"name": "x", "items": [',
]
const textArb = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...YAML_SNIPPETS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) }), { maxLength: 20 })
  .map((parts) => parts.join(''))

function serialise(value: unknown, file: string): string {
  if (file.endsWith('.json')) return JSON.stringify(value, null, 2) ?? 'null'
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 })
}


// ---------------------------------------------------------------------------------------------
// (a) random projects
// ---------------------------------------------------------------------------------------------

const DEF_REFS = refStrings(['./a.yaml', '../a.yaml', './shared/frag.yaml', '../shared/frag.json', './b.json', '../../c.yml', './frag.yaml'])
const RANDOM_FILES = ['a.yaml', 'b.json', 'c.yml', 'shared/frag.yaml', 'shared/frag.json', 'defs/d.yaml', 'defs/deep/e.yaml', 'config.yaml']

const randomProjectArb = fc.uniqueArray(
  fc.record({
    file: fc.constantFrom(...RANDOM_FILES),
    content: fc.oneof(
      { weight: 4, arbitrary: fc.oneof({ weight: 3, arbitrary: definitionArb(DEF_REFS, 0) }, { weight: 2, arbitrary: definitionArb(DEF_REFS, 1) }, { weight: 1, arbitrary: definitionArb(DEF_REFS, 5) }).map((v) => ({ kind: 'value' as const, v })) },
      { weight: 3, arbitrary: valueArb(refStrings(['./a.yaml', './shared/frag.yaml', '../shared/frag.yaml', './frag.json'])).map((v) => ({ kind: 'value' as const, v })) },
      { weight: 1, arbitrary: textArb.map((v) => ({ kind: 'text' as const, v })) },
    ),
  }),
  { minLength: 1, maxLength: 5, selector: (f) => f.file },
)

// ---------------------------------------------------------------------------------------------
// (b) mutations of the seed tree
// ---------------------------------------------------------------------------------------------

function listFiles(dir: string, base = ''): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), rel))
    else if (e.isFile()) out.push(rel)
  }
  return out.sort()
}

const seedFiles: Record<string, string> = {}
for (const rel of listFiles(SEED_ROOT)) seedFiles[rel] = readFileSync(join(SEED_ROOT, rel), 'utf8')
const seedDocs = Object.keys(seedFiles).filter((f) => /\.(ya?ml|json)$/.test(f))
const seedTree = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([k, v]) => [`.dokkimi/${k}`, v]))

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'odd'; at: number; value: string }
  | { kind: 'dup'; at: number; times: number }
  | { kind: 'ref'; at: number; ref: number | string; asKey: boolean }
  | { kind: 'spread'; at: number; spread: string }
  | { kind: 'rename'; at: number; key: string }

type TextMutation = { kind: 'truncate'; at: number } | { kind: 'bytes'; edits: { at: number; text: string; del: number }[] }

const refPool = refStrings([])
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: valueArb(refPool, 2) }),
  fc.record({ kind: fc.constant('odd' as const), at: fc.nat(), value: fc.constantFrom(...ODD_STRINGS) }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('ref' as const), at: fc.nat(), ref: fc.oneof(fc.nat(), fc.constantFrom(...refPool)), asKey: fc.boolean() }),
  fc.record({ kind: fc.constant('spread' as const), at: fc.nat(), spread: fc.constantFrom('...$ref.env', '...$ref', '...$ref.initFilePaths', '...$ref.missing', '...$ref.env.0') }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key: fc.constantFrom(...KEYS) }),
)
const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('bytes' as const),
    edits: fc.array(fc.record({ at: fc.nat(), text: fc.oneof(fc.constantFrom(...YAML_SNIPPETS), fc.string({ unit: 'binary', maxLength: 3 })), del: fc.nat(4) }), { minLength: 1, maxLength: 4 }),
  }),
)

interface Slot {
  parent: Record<string, unknown> | unknown[]
  key: string | number
}

/** Every place in a parsed document (a value inside an object or array). */
function slots(root: unknown): Slot[] {
  const out: Slot[] = []
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((c, i) => {
        out.push({ parent: v, key: i })
        walk(c)
      })
    } else if (v && typeof v === 'object') {
      for (const [k, c] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k })
        walk(c)
      }
    }
  }
  walk(root)
  return out
}

const get = (s: Slot) => (s.parent as Record<string | number, unknown>)[s.key]
const set = (s: Slot, value: unknown) => ((s.parent as Record<string | number, unknown>)[s.key] = value)

function relRef(from: string, to: string): string {
  const r = posix.relative(posix.dirname(from), to)
  return r.startsWith('.') ? r : `./${r}`
}

function applyMutation(doc: unknown, m: Mutation, file: string): unknown {
  const all = slots(doc)
  const pick = <T>(list: T[], at: number): T | undefined => (list.length ? list[at % list.length] : undefined)
  switch (m.kind) {
    case 'delete': {
      const s = pick(all, m.at)
      if (!s) return doc
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1)
      else delete s.parent[s.key as string]
      return doc
    }
    case 'retype': {
      // Generated values are shared with fast-check (shrinking replays them): never mutate them.
      const value = structuredClone(m.value)
      const s = pick(all, m.at)
      if (!s) return value
      set(s, value)
      return doc
    }
    case 'odd': {
      const s = pick(all.filter((x) => typeof get(x) === 'string'), m.at) ?? pick(all, m.at)
      if (s) set(s, m.value)
      return doc
    }
    case 'dup': {
      const s = pick(all.filter((x) => Array.isArray(x.parent)), m.at)
      if (!s) return doc
      const arr = s.parent as unknown[]
      const copy = structuredClone(arr[s.key as number])
      arr.splice(s.key as number, 0, ...Array.from({ length: m.times }, () => structuredClone(copy)))
      return doc
    }
    case 'ref': {
      // Another seed file (relative to this one: valid, a definition, or this file itself), or a
      // missing / escaping path.
      const ref = typeof m.ref === 'number' ? relRef(file, seedDocs[m.ref % seedDocs.length]!) : m.ref
      const objects = all.filter((x) => { const v = get(x); return v !== null && typeof v === 'object' && !Array.isArray(v) })
      const s = pick(objects, m.at)
      if (m.asKey && s) (get(s) as Record<string, unknown>).$ref = ref
      else if (s) set(s, { $ref: ref })
      else if (doc && typeof doc === 'object' && !Array.isArray(doc)) (doc as Record<string, unknown>).$ref = ref
      return doc
    }
    case 'spread': {
      const s = pick(all.filter((x) => Array.isArray(get(x))), m.at)
      if (s) (get(s) as unknown[]).splice(m.at % ((get(s) as unknown[]).length + 1), 0, m.spread)
      return doc
    }
    case 'rename': {
      const s = pick(all.filter((x) => !Array.isArray(x.parent)), m.at)
      if (!s) return doc
      const parent = s.parent as Record<string, unknown>
      const v = parent[s.key as string]
      delete parent[s.key as string]
      parent[m.key] = v
      return doc
    }
  }
}

function applyText(text: string, m: TextMutation): string {
  if (m.kind === 'truncate') return text.slice(0, m.at % (text.length + 1))
  let out = text
  for (const e of m.edits) {
    const at = e.at % (out.length + 1)
    out = out.slice(0, at) + e.text + out.slice(at + e.del)
  }
  return out
}

const seedMutationArb = fc.uniqueArray(
  fc.record({
    file: fc.nat({ max: seedDocs.length - 1 }).map((i) => seedDocs[i]!),
    mutations: fc.array(mutationArb, { maxLength: 5 }),
    text: fc.option(textMutationArb, { freq: 3 }),
  }),
  { minLength: 1, maxLength: 3, selector: (c) => c.file },
)

// ---------------------------------------------------------------------------------------------
// (c) odd targets
// ---------------------------------------------------------------------------------------------


const targetArb = fc.oneof(
  fc.constantFrom(...seedDocs, ...seedDocs.map((f) => `.dokkimi/${f}`), 'shared', 'definitions', '.dokkimi/shared', '*.yaml', '**/*.json', 'checkout', '/checkout/i', '/^shared\\//', 'CHECKOUT', '{a,b}', '[', '(', '?', 'missing.yaml', 'a.txt', ''),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.array(fc.constantFrom('*', '?', '[', ']', '{', '}', '(', ')', '/', '.', '..', 'a', 'shared', '.yaml', '\\', '|', '+', '^', '$', '!', 'i', 'g', 'u'), { maxLength: 8 }).map((p) => p.join('')),
  // `/body/flags` regex targets (F-301), some of which do not compile.
  fc
    .tuple(fc.array(fc.constantFrom('a', 'shared', 'check', '.*', '\\.', '\\/', '(', ')', '[', ']', '+', '?', '|', '^', '$', '{2}'), { minLength: 1, maxLength: 5 }), fc.constantFrom('', 'i', 'g', 'gg', 'z', 'iu'))
    .map(([body, flags]) => `/${body.join('')}/${flags}`),
)

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('loadDefinitions fuzz (never throws, never hangs, well-formed issues)', () => {
  it('random JSON-ish and text files', () => {
    let n = 0
    fc.assert(
      fc.property(randomProjectArb, (files) => {
        const tree: Record<string, string> = { '.dokkimi/init.sql': 'select 1;\n', '.dokkimi/config.yaml': 'env:\n  REGISTRY: ghcr.io/x\n  IMAGE_TAG: v1\n' }
        for (const f of files) tree[`.dokkimi/${f.file}`] = f.content.kind === 'text' ? f.content.v : serialise(f.content.v, f.file)
        const root = testdir(tree)
        checkResult(load(undefined, root, 'random project'))
        n++
      }),
      { seed: SEED, numRuns: runs(300) },
    )
    expect(n).toBeGreaterThan(runs(300) * 0.9)
  }, TIMEOUT_MS)

  it('mutations of the seed definitions', () => {
    let n = 0
    fc.assert(
      fc.property(seedMutationArb, (changes) => {
        const files = { ...seedFiles }
        for (const c of changes) {
          let text = files[c.file]!
          if (c.mutations.length > 0) {
            let doc: unknown = parse(text)
            for (const m of c.mutations) doc = applyMutation(doc, m, c.file)
            text = serialise(doc, c.file)
          }
          if (c.text) text = applyText(text, c.text)
          files[c.file] = text
        }
        const root = testdir(seedTree(files))
        const result = load('.dokkimi', root, 'mutated seeds')
        checkResult(result)
        n++
      }),
      { seed: SEED, numRuns: runs(200) },
    )
    expect(n).toBeGreaterThan(runs(200) * 0.9)
  }, TIMEOUT_MS)

  it('odd targets (file names, sub-folders, glob and regex patterns)', () => {
    const root = testdir(seedTree(seedFiles))
    let n = 0
    fc.assert(
      fc.property(targetArb, fc.constantFrom(root, join(root, '.dokkimi'), join(root, '.dokkimi', 'shared')), (target, cwd) => {
        // Do not let a target like `..` or `/` scan the machine.
        const abs = resolve(cwd, target)
        fc.pre(abs === root || abs.startsWith(`${root}/`) || !isExistingDir(abs))
        checkResult(load(target, cwd, `target ${JSON.stringify(target)}`))
        n++
      }),
      { seed: SEED, numRuns: runs(200) },
    )
    expect(n).toBeGreaterThan(runs(200) / 2)
  }, TIMEOUT_MS)

  it('the copied seed tree resolves like the fixture itself (sanity check of the harness)', () => {
    const copy = load('.dokkimi', testdir(seedTree(seedFiles)), 'seed tree')
    const original = load(SEED_ROOT, SEED_ROOT, 'seed fixture')
    checkResult(copy)
    expect(copy.definitions.length).toBeGreaterThan(0)
    expect(copy.definitions.map((d) => d.name)).toEqual(original.definitions.map((d) => d.name))
    expect(copy.errors.map((e) => e.code)).toEqual(original.errors.map((e) => e.code))
    expect(stats.calls).toBeGreaterThan(0)
  })
})

function isExistingDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

describe('regressions found by this fuzz test', () => {
  const HEAD = 'name: d\nitems:\n  - {type: DATABASE, name: db, database: redis}\n'

  it('an invalid /regex/ target is an issue, not a throw', () => {
    const root = testdir({ '.dokkimi/d.yaml': HEAD })
    for (const target of ['/(/', '/a/zz', '/\\/'])
      expect(loadDefinitions(target, { cwd: root }).errors).toMatchObject([{ code: 'TARGET_NOT_FOUND', message: expect.stringContaining('invalid pattern') }])
  })

  it('self-referencing and exponential YAML aliases are parse errors, not hangs', () => {
    const chain = Array.from({ length: 40 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`).join('\n')
    const root = testdir({
      '.dokkimi/self.yaml': `${HEAD}x: &a [*a, *a]\n`,
      '.dokkimi/chain.yaml': `name: c\nitems: []\na0: &a0 [1]\n${chain}\n`,
    })
    const r = loadDefinitions(root)
    const byFile = (f: string) => r.errors.find((e) => e.file.endsWith(f))
    expect(byFile('self.yaml')).toMatchObject({ code: 'PARSE_ERROR', line: 4, message: expect.stringContaining('refers to itself') })
    expect(byFile('chain.yaml')).toMatchObject({ code: 'PARSE_ERROR', message: expect.stringContaining('alias') })
  })

  it('$ref to a device or a FIFO is an issue, never a hang or an out-of-memory abort', () => {
    const root = testdir({ '.dokkimi/d.yaml': 'name: d\nitems:\n  - $ref: /dev/zero\n  - $ref: ./pipe.yaml\n  - $ref: ./shared\n', '.dokkimi/shared/x.yaml': 'a: 1\n' })
    execFileSync('mkfifo', [join(root, '.dokkimi/pipe.yaml')])
    const r = loadDefinitions(root)
    expect(r.errors.map((e) => [e.code, e.line, e.message.includes('not a regular file')])).toEqual([
      ['REF_UNPARSABLE', 3, true],
      ['REF_UNPARSABLE', 4, true],
      ['REF_UNPARSABLE', 5, true],
    ])
  })

  it('prototype names stay data: __proto__ keys and {{constructor}} references', () => {
    const root = testdir({
      '.dokkimi/a.yaml': 'name: a\nitems:\n  - __proto__: {type: SERVICE, name: api, image: x, port: 1, healthCheck: tcp}\n',
      '.dokkimi/b.yaml': 'name: b\n__proto__:\n  items: []\n',
      '.dokkimi/c.yaml': "name: c\nitems:\n  - {type: SERVICE, name: api, image: '{{constructor}}:${{toString}}', port: 1, healthCheck: tcp}\n",
    })
    const r = loadDefinitions(root)
    expect(r.definitions).toEqual([])
    expect(r.errors.filter((e) => e.file.endsWith('a.yaml')).map((e) => e.code)).toContain('ITEM_TYPE_INVALID')
    expect(r.files.find((f) => f.file.endsWith('b.yaml'))?.kind).toBe('fragment')
    expect(r.errors.filter((e) => e.file.endsWith('c.yaml')).map((e) => e.code).sort()).toEqual(['CONFIG_REFERENCE_UNRESOLVED', 'ITEM_VARIABLE_UNRESOLVED'])
  })
})
