// JUnit XML (F-333): one <testsuite> per definition, one <testcase> per test. Attributes follow the
// common junit-10.xsd (Jenkins/xunit): `skipped` is allowed on <testsuite> but not on <testsuites>.
import { hostname } from 'node:os'
import { formatTestFailure, type DefinitionResult, type TestResult } from '@dokkimi/core'
import { truncate } from './_report-style.js'

export interface JUnitOptions {
  /** Name of the <testsuites> element. @default 'dokkimi' */
  name?: string
  /** Wall time of the run; defaults to the sum of the definitions' durations. */
  wallMs?: number
  /** File paths in failure texts are relative to this folder. */
  cwd?: string
}

type CaseKind = 'passed' | 'failed' | 'skipped' | 'error'

// A definition that errored before any test gets one testcase carrying the error.
const casesOf = (r: DefinitionResult): TestResult[] => (r.tests.length === 0 && r.error ? [{ name: 'environment', status: 'skipped', durationMs: r.durationMs, steps: [] }] : r.tests)

// Tests of a definition whose environment broke are errors, except those that had passed already.
const kindOf = (r: DefinitionResult, t: TestResult): CaseKind => (r.status === 'error' && (r.runId === '' || t.status !== 'passed') ? 'error' : t.status)

const count = (r: DefinitionResult, kind: CaseKind) => casesOf(r).filter((t) => kindOf(r, t) === kind).length

export function toJUnit(results: readonly DefinitionResult[], options: JUnitOptions = {}): string {
  const sum = (kind?: CaseKind) => results.reduce((n, r) => n + (kind ? count(r, kind) : casesOf(r).length), 0)
  const wallMs = options.wallMs ?? results.reduce((n, r) => n + r.durationMs, 0)
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name: options.name ?? 'dokkimi', tests: sum(), failures: sum('failed'), errors: sum('error'), time: seconds(wallMs) })}>`]
  results.forEach((r, id) => out.push(...suite(r, id, options)))
  out.push('</testsuites>', '')
  return out.join('\n')
}

function suite(r: DefinitionResult, id: number, options: JUnitOptions): string[] {
  const cases = casesOf(r)
  const lines = [
    `  <testsuite${attrs({
      name: r.name,
      tests: cases.length,
      failures: count(r, 'failed'),
      errors: count(r, 'error'),
      skipped: count(r, 'skipped'),
      time: seconds(r.durationMs),
      timestamp: new Date(r.startedAt).toISOString().slice(0, 19),
      hostname: hostname(),
      id,
      package: 'dokkimi',
      file: r.file,
    })}>`,
  ]
  if (r.runId !== '') lines.push('    <properties>', `      <property${attrs({ name: 'runId', value: r.runId })}/>`, `      <property${attrs({ name: 'bootMs', value: r.bootMs })}/>`, '    </properties>')
  for (const t of cases) lines.push(...testcase(r, t, options))
  lines.push('  </testsuite>')
  return lines
}

function testcase(r: DefinitionResult, t: TestResult, options: JUnitOptions): string[] {
  const open = `    <testcase${attrs({ name: t.name, classname: r.name, time: seconds(t.durationMs) })}`
  const text = () => escapeText(formatTestFailure(r, t, { color: false, ...(options.cwd ? { cwd: options.cwd } : {}) }))
  switch (kindOf(r, t)) {
    case 'passed':
      return [`${open}/>`]
    case 'skipped': {
      const reason = t.steps.find((s) => s.error)?.error?.message ?? 'not run'
      return [`${open}>`, `      <skipped${attrs({ message: truncate(reason, 500) })}/>`, '    </testcase>']
    }
    case 'error': {
      const error = r.error ?? { code: 'ERROR', message: 'the environment broke' }
      return [`${open}>`, `      <error${attrs({ message: truncate(error.message, 500), type: error.code })}>${text()}</error>`, '    </testcase>']
    }
    case 'failed': {
      const { message, type } = firstFailure(r, t)
      return [`${open}>`, `      <failure${attrs({ message: truncate(message, 500), type })}>${text()}</failure>`, '    </testcase>']
    }
  }
}

function firstFailure(r: DefinitionResult, t: TestResult): { message: string; type: string } {
  if (t.error) return { message: t.error.message, type: t.error.code }
  for (const s of t.steps.flatMap((s) => (s.iterations?.length ? s.iterations : [s]))) {
    if (s.status !== 'failed') continue
    const a = [...s.extracts, ...s.blocks.flatMap((b) => b.results)].find((x) => !x.passed && !x.skipped)
    if (a) return { message: `${s.name}: ${a.message}`, type: 'ASSERTION_FAILED' }
    if (s.error) return { message: `${s.name}: ${s.error.message}`, type: s.error.code }
  }
  if (r.error) return { message: r.error.message, type: r.error.code }
  return { message: 'test failed', type: 'FAILED' }
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3)

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('')
}

// Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

export function escapeText(text: string): string {
  return text.replace(INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;')
}
