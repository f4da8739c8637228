// The reporters on REAL results: three small definitions run with runDefinition on the memory
// runtime (one passes, one fails on a response assertion, one on a traffic match), timings pinned.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatFailures, loadDefinitions, runDefinition, type DefinitionResult, type RunEvent } from '@dokkimi/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toReport } from '../src/_report-json.js'
import { escapeAttr, toJUnit } from '../src/_report-junit.js'
import { applyEvent, createProgress, finishDefinition, formatDone, renderLive, startDefinition } from '../src/_report-progress.js'
import { formatDuration, showValue, truncate } from '../src/_report-style.js'
import { closingLine, countResults, formatSummary } from '../src/_report-summary.js'
import runtime, { definitions, items } from './_checkout.js'
import { junitSchemaErrors } from './_junit-schema.js'
import { parseXml, type XmlElement } from './_xml.js'

let dir: string
let results: DefinitionResult[]
let events: RunEvent[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dokkimi-report-'))
  mkdirSync(join(dir, '.dokkimi'))
  for (const [file, text] of Object.entries(definitions)) writeFileSync(join(dir, '.dokkimi', file), text)
  const loaded = loadDefinitions(join(dir, '.dokkimi'))
  expect(loaded.errors).toEqual([])
  events = []
  results = []
  for (const d of loaded.definitions) results.push(pin(await runDefinition(d, { runtime, onEvent: (e) => events.push(pin(e)) })))
}, 60_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Timings, ids and clocks vary run to run; everything else is what the engine produced.
function pin<T>(value: T): T {
  const fixed: Record<string, unknown> = { durationMs: 120, bootMs: 300, startedAt: Date.UTC(2026, 0, 2, 3, 4, 5), responseTime: 12, timestamp: 1_767_323_045, runId: 'run-1' }
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk)
    if (v === null || typeof v !== 'object') return v
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k in fixed && x !== undefined && x !== null && (k !== 'runId' || x !== '') ? fixed[k] : walk(x)]))
  }
  return walk(value) as T
}

const byName = (name: string) => results.find((r) => r.name === name)!

describe('results of the three definitions', () => {
  it('are one pass and two failures', () => {
    expect(results.map((r) => `${r.name}: ${r.status}`)).toEqual(['checkout-happy-path: passed', 'checkout-refund: failed', 'checkout-wrong-total: failed'])
  })
})

describe('failure report', () => {
  it('names definition, test, step, source, operator, expected and actual; closest calls with the fields that differ; the step traffic and ERROR/WARN console lines', () => {
    expect(`\n${formatFailures(results, { cwd: dir })}\n`).toMatchInlineSnapshot(`
      "
      ✗ checkout-refund › Refund › Create order
        at .dokkimi/checkout-refund.yaml
        ✗ path $.match.request.body.amount (eq)
            no call matched {path: $.traffic, where: [origin eq payment-service, request.method eq POST, request.url contains /v1/refunds]}
            expected: 2498
            closest captured calls:
              payment-service → api.stripe.com  POST /v1/charges  200  12 ms  [mocked]
                $$.request.url contains "/v1/refunds", actual "http://api.stripe.com/v1/charges"
              order-service → payment-service  POST /api/payments  200  12 ms
                $$.origin eq "payment-service", actual "order-service"
                $$.request.url contains "/v1/refunds", actual "http://payment-service/api/payments"
              test → order-service  POST /api/orders  201  12 ms
                $$.origin eq "payment-service", actual "test"
                $$.request.url contains "/v1/refunds", actual "http://order-service/api/orders"
        traffic of this step:
          test → order-service              POST /api/orders    201  12 ms
          order-service → payment-service   POST /api/payments  200  12 ms
          payment-service → api.stripe.com  POST /v1/charges    200  12 ms  [mocked]

      ✗ checkout-wrong-total › Place order › Create order
        at .dokkimi/checkout-wrong-total.yaml
        ✗ path $.response.body.total (eq)
            expected: 2498
            actual:   2499
        traffic of this step:
          test → order-service              POST /api/orders    201  12 ms
          order-service → payment-service   POST /api/payments  200  12 ms
          payment-service → api.stripe.com  POST /v1/charges    200  12 ms  [mocked]
        console (ERROR/WARN):
          order-service  WARN  [WARN] total 2499 does not match the cart
      "
    `)
  })

  it('is empty when everything passed, and never prints headers or bodies', () => {
    expect(formatFailures([byName('checkout-happy-path')])).toBe('')
    const text = formatFailures(results, { cwd: dir })
    expect(text).not.toContain('content-type')
    expect(text).not.toContain('"quantity"')
  })

  it('reports an environment that could not start', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dokkimi-report-'))
    try {
      writeFileSync(join(root, 'broken.yaml'), `name: broken\n${items().replace("'payments:test'", "'payments:missing'")}tests:\n  - name: Never\n    steps:\n      - action: { type: wait, durationMs: 1 }\n`)
      const [definition] = loadDefinitions(join(root, 'broken.yaml')).definitions
      const broken = pin(await runDefinition(definition!, { runtime }))
      expect(broken.status).toBe('error')
      expect(formatFailures([broken], { cwd: root })).toMatchInlineSnapshot(`
        "! broken — the environment could not start
          at broken.yaml
          RUNTIME_UNSUPPORTED_ITEM: [dokkimi] [memory] service "payment-service": no in-process implementation for image "payments:missing" (pass it in memoryRuntime({ services }))"
      `)
      expect(formatSummary([byName('checkout-happy-path'), broken], { wallMs: 1500 })).toMatchInlineSnapshot(`
        "  ✓ checkout-happy-path  1 test passed                 120 ms  (boot 300 ms)
          ! broken               environment could not start   120 ms

        Tests: 1 passed, 0 failed, 1 skipped (2)
        Time:  1.5 s wall, 240 ms in environments, boot 300 ms avg

        1 passed, 0 failed, 1 errored"
      `)
      expect(await junitSchemaErrors(toJUnit([broken]))).toEqual([])
      const junit = parseXml(toJUnit([broken]))
      const suite = junit.children[0]!
      expect(suite.attributes).toMatchObject({ tests: '1', failures: '0', errors: '1', skipped: '0' })
      expect(suite.children.find((c) => c.name === 'testcase')!.children[0]).toMatchObject({ name: 'error', attributes: { type: 'RUNTIME_UNSUPPORTED_ITEM' } })
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe('summary', () => {
  it('counts definitions and tests, gives durations, and closes with `N passed, N failed`', () => {
    const text = formatSummary(results, { wallMs: 2345 })
    expect(text).toMatchInlineSnapshot(`
      "  ✓ checkout-happy-path   1 test passed         120 ms  (boot 300 ms)
        ✗ checkout-refund       1 failed              120 ms  (boot 300 ms)
        ✗ checkout-wrong-total  1 failed, 1 skipped   120 ms  (boot 300 ms)

      Tests: 1 passed, 2 failed, 1 skipped (4)
      Time:  2.3 s wall, 360 ms in environments, boot 300 ms avg

      1 passed, 2 failed"
    `)
    expect(text.split('\n').at(-1)).toBe('1 passed, 2 failed')
    expect(closingLine({ ...countResults(results), errored: 0 })).toBe('1 passed, 2 failed')
  })

  it('colours only when asked', () => {
    expect(formatSummary(results, { wallMs: 1 })).not.toContain('\u001b[')
    expect(formatSummary(results, { wallMs: 1, color: true })).toContain('\u001b[31m1 passed, 2 failed\u001b[39m')
  })
})

describe('progress', () => {
  it('prints plain lines per definition without a TTY', () => {
    const progress = createProgress([])
    const lines: string[] = []
    for (const r of results) {
      lines.push(...startDefinition(progress, r.name, 0))
      for (const e of events.filter((x) => x.definition === r.name)) lines.push(...applyEvent(progress, e))
      lines.push(...finishDefinition(progress, r))
    }
    expect(lines).toMatchInlineSnapshot(`
      [
        "[checkout-happy-path] booting…",
        "[checkout-happy-path] ready in 300 ms (2/2 items)",
        "[checkout-happy-path] ✓ Place order › Create order (120 ms)",
        "[checkout-happy-path] ✓ passed: 1 test passed (120 ms)",
        "[checkout-refund] booting…",
        "[checkout-refund] ready in 300 ms (2/2 items)",
        "[checkout-refund] ✗ Refund › Create order (120 ms)",
        "[checkout-refund] ✗ failed: 1 failed (120 ms)",
        "[checkout-wrong-total] booting…",
        "[checkout-wrong-total] ready in 300 ms (2/2 items)",
        "[checkout-wrong-total] ✗ Place order › Create order (120 ms)",
        "[checkout-wrong-total] ✗ failed: 1 failed, 1 skipped (120 ms)",
      ]
    `)
  })

  it('redraws a block per running definition in a TTY: items ready x/y while booting, then test › step', () => {
    const progress = createProgress([{ name: 'checkout-happy-path', items: [] }, { name: 'checkout-refund', items: [] }, { name: 'checkout-wrong-total', items: [] }])
    startDefinition(progress, 'checkout-happy-path', 1000)
    startDefinition(progress, 'checkout-refund', 1000)
    const happy = events.filter((e) => e.definition === 'checkout-happy-path')
    const refund = events.filter((e) => e.definition === 'checkout-refund')
    // Happy path up to its step; refund halfway through booting (stage known, one item ready).
    for (const e of happy.slice(0, happy.findIndex((e) => e.type === 'step-start') + 1)) applyEvent(progress, e)
    for (const e of refund.filter((e) => e.type === 'boot' && e.event.type === 'stage')) applyEvent(progress, e)
    applyEvent(progress, { type: 'boot', definition: 'checkout-refund', event: { type: 'item', item: 'order-service', status: 'ready' } })
    expect(renderLive(progress, { now: 2500, frame: 0 })).toMatchInlineSnapshot(`
      [
        "⠋ checkout-happy-path  Place order › Create order  1.5 s",
        "⠋ checkout-refund      booting  1/2 items ready  1.5 s",
        "  0 done · 2 running · 1 waiting",
      ]
    `)
    expect(formatDone(byName('checkout-wrong-total'))).toEqual(['✗ checkout-wrong-total  1 failed, 1 skipped  120 ms', '    ✗ Place order › Create order'])
  })
})

describe('JUnit XML', () => {
  const walk = (e: XmlElement, f: (e: XmlElement) => void) => {
    f(e)
    for (const c of e.children) walk(c, f)
  }

  it('validates against the JUnit schema and stays within junit-10.xsd: testsuites → testsuite per definition → testcase per test, counts consistent', async () => {
    const text = toJUnit(results, { wallMs: 2345, cwd: dir })
    expect(await junitSchemaErrors(text)).toEqual([])
    const xml = parseXml(text)
    expect(xml.name).toBe('testsuites')
    expect(xml.attributes).toEqual({ name: 'dokkimi', tests: '4', failures: '2', errors: '0', time: '2.345' })
    const allowed: Record<string, { attributes: string[]; children: string[] }> = {
      testsuites: { attributes: ['name', 'time', 'tests', 'failures', 'disabled', 'errors'], children: ['testsuite'] },
      testsuite: { attributes: ['name', 'tests', 'failures', 'errors', 'time', 'disabled', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file'], children: ['properties', 'testcase', 'system-out', 'system-err'] },
      properties: { attributes: [], children: ['property'] },
      property: { attributes: ['name', 'value'], children: [] },
      testcase: { attributes: ['name', 'assertions', 'time', 'classname', 'status'], children: ['skipped', 'error', 'failure', 'system-out', 'system-err'] },
      failure: { attributes: ['message', 'type'], children: [] },
      error: { attributes: ['message', 'type'], children: [] },
      skipped: { attributes: ['message'], children: [] },
    }
    walk(xml, (e) => {
      const rule = allowed[e.name]
      expect(rule, e.name).toBeDefined()
      for (const a of Object.keys(e.attributes)) expect(rule!.attributes, `${e.name}@${a}`).toContain(a)
      for (const c of e.children) expect(rule!.children, `${e.name} > ${c.name}`).toContain(c.name)
      for (const a of ['time', 'tests', 'failures', 'errors', 'skipped']) if (a in e.attributes) expect(e.attributes[a]).toMatch(/^\d+(\.\d{1,3})?$/)
    })
    const suites = xml.children
    expect(suites.map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures, s.attributes.errors, s.attributes.skipped])).toEqual([
      ['checkout-happy-path', '1', '0', '0', '0'],
      ['checkout-refund', '1', '1', '0', '0'],
      ['checkout-wrong-total', '2', '1', '0', '1'],
    ])
    for (const s of suites) {
      expect(s.attributes.timestamp).toBe('2026-01-02T03:04:05')
      const cases = s.children.filter((c) => c.name === 'testcase')
      expect(String(cases.length)).toBe(s.attributes.tests)
      expect(String(cases.filter((c) => c.children.some((x) => x.name === 'failure')).length)).toBe(s.attributes.failures)
      expect(String(cases.filter((c) => c.children.some((x) => x.name === 'skipped')).length)).toBe(s.attributes.skipped)
      for (const c of cases) expect(c.attributes.classname).toBe(s.attributes.name)
    }
    const failure = suites[2]!.children.find((c) => c.attributes.name === 'Place order')!.children[0]!
    expect(failure.attributes).toEqual({ message: 'Create order: $.response.body.total: expected eq 2498, got 2499', type: 'ASSERTION_FAILED' })
    expect(failure.text).toBe(formatFailures([{ ...byName('checkout-wrong-total') }], { cwd: dir }))
    expect(suites[2]!.children.find((c) => c.attributes.name === 'Second test')!.children[0]).toMatchObject({ name: 'skipped', attributes: { message: 'Step was not executed — a previous step failed before reaching this test' } })
  })

  it('escapes markup, quotes, newlines and characters XML cannot carry', async () => {
    const nasty = `a <b> & "c" 'd' ]]>\n\u0001\u{1F600}\uD800`
    const r = structuredClone(byName('checkout-wrong-total'))
    r.name = nasty
    r.tests[0]!.name = nasty
    const text = toJUnit([r])
    expect(await junitSchemaErrors(text)).toEqual([])
    const xml = parseXml(text)
    const suite = xml.children[0]!
    const decoded = `a <b> & "c" 'd' ]]>\n\uFFFD\u{1F600}\uFFFD`
    expect(suite.attributes.name).toBe(decoded)
    expect(suite.children.find((c) => c.name === 'testcase')!.attributes.name).toBe(decoded)
    expect(escapeAttr('<&>"\'\n\t')).toBe('&lt;&amp;&gt;&quot;&apos;&#10;&#9;')
  })
})

describe('JSON report', () => {
  it('round-trips: JSON.parse gives back the same object, with a version field', () => {
    const report = toReport(results, { dokkimi: '0.0.0', root: dir, targets: [], runtime: 'memory', startedAt: 0, durationMs: 2345 })
    expect(report.version).toBe(1)
    expect(report.status).toBe('failed')
    expect(report.summary).toEqual({ passed: 1, failed: 2, errored: 0, tests: { passed: 1, failed: 2, skipped: 1 } })
    expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report)
    // Results carry undefined fields (an assertion whose path was not found); the report drops them.
    const odd = toReport([{ ...results[0]!, error: undefined, bootMs: Number.NaN }] as DefinitionResult[], { dokkimi: '0.0.0', root: dir, targets: [], runtime: 'memory', startedAt: 0, durationMs: 1 })
    expect(JSON.parse(JSON.stringify(odd))).toStrictEqual(odd)
    expect(odd.definitions[0]!.bootMs).toBeNull()
  })
})

describe('formatting helpers', () => {
  it('durations, values and truncation', () => {
    expect([0, 999, 1000, 12_345, 65_000].map(formatDuration)).toEqual(['0 ms', '999 ms', '1.0 s', '12.3 s', '1 m 05 s'])
    expect(showValue('x'.repeat(200))).toHaveLength(100)
    expect(showValue({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}')
    expect(truncate('a\nb', 10)).toBe('a⏎b')
  })
})
