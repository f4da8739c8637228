// The failure report the CLI prints and the test adapters throw: for every failed assertion where
// it is (definition › test › step), what was read, the operator, expected and actual, the matched
// call and the closest captured calls for traffic matches, and the step's traffic and ERROR/WARN
// console lines. Values are cut short; headers and bodies never appear (STYLE.md rule 15).
import { relative } from 'node:path'
import type { AssertionResult, ClosestCall, ConsoleLogEntry, LogEntry, TrafficEntry } from '../assert/types.js'
import type { DefinitionResult, ErrorInfo, StepResult, TestResult } from '../steps/results.js'
import { paint, showValue, truncate, type Paint } from './style.js'

export interface FailureOptions {
  /** ANSI colours. @default false */
  color?: boolean
  /** File paths are printed relative to this folder. @default process.cwd() */
  cwd?: string
}

/** The definition a test belongs to: a `DefinitionResult`, or just its name and file (a resolved `Definition`). */
export type FailureDefinition = Pick<DefinitionResult, 'name' | 'file'> & Partial<Pick<DefinitionResult, 'status' | 'runId' | 'error'>>

const MAX_TRAFFIC = 20
const MAX_CONSOLE = 20
const MAX_LINE = 200
const MAX_ERROR_LINES = 20
const MAX_MATCHED = 3

/** Every failure of the run, one section per failed step, test or environment; '' when all passed. */
export function formatFailures(results: readonly DefinitionResult[], options: FailureOptions = {}): string {
  return results
    .flatMap((r) => [...definitionError(r, options), ...r.tests.flatMap((t) => testSections(r, t, options))])
    .join('\n\n')
}

/** The failure text of one test (JUnit `<failure>` bodies, adapter errors), uncoloured unless asked. */
export function formatTestFailure(definition: FailureDefinition, test: TestResult, options: FailureOptions = {}): string {
  return [...definitionError(definition, options), ...testSections(definition, test, options)].join('\n\n')
}

/** Captured traffic as aligned lines: `origin → target  METHOD path  status  ms  [mocked]`. */
export function formatTimeline(traffic: readonly TrafficEntry[]): string[] {
  const sorted = [...traffic].sort((a, b) => a.seq - b.seq)
  const shown = sorted.slice(0, MAX_TRAFFIC)
  const routes = shown.map((t) => `${t.origin} → ${t.to}`)
  const width = Math.max(...routes.map((r) => r.length))
  const requests = shown.map((t) => `${t.request.method} ${truncate(urlPath(t.request.url), 60)}`)
  const rwidth = Math.max(...requests.map((r) => r.length))
  const lines = shown.map((t, i) => `${routes[i]!.padEnd(width)}  ${requests[i]!.padEnd(rwidth)}  ${callTail(t)}`)
  if (sorted.length > shown.length) lines.push(`… ${sorted.length - shown.length} more`)
  return lines
}

/**
 * Near-misses of a match: a title line (`closest captured calls:`), then one line per entry with,
 * indented under it, each condition it fails and the actual value.
 */
export function formatClosestCalls(closest: readonly ClosestCall[], options: Pick<FailureOptions, 'color'> = {}): string[] {
  if (closest.length === 0) return []
  const p = paint(options.color ?? false)
  const traffic = closest.every((c) => isTraffic(c.entry))
  const differs = closest.some((c) => c.differences.length > 0)
  const lines = [p.dim(`${differs ? 'closest' : 'matching'} ${traffic ? 'captured calls' : 'entries'}:`)]
  for (const c of closest) {
    lines.push(`  ${formatCall(c.entry)}`)
    for (const d of c.differences) lines.push(`    ${d.path} ${d.operator} ${p.green(showValue(d.expected))}, actual ${p.red(showValue(d.actual))}`)
  }
  return lines
}

/** One captured call (or log entry) on one line: `origin → target  METHOD path  status  ms  [mocked]`. */
export function formatCall(entry: unknown): string {
  if (isTraffic(entry)) return `${entry.origin} → ${entry.to}  ${entry.request.method} ${truncate(urlPath(entry.request.url), 60)}  ${callTail(entry)}`
  const e = entry as Partial<ConsoleLogEntry>
  if (typeof e?.service === 'string' && typeof e.message === 'string') return `${e.service}  ${String(e.level ?? '')}  ${truncate(e.message, MAX_LINE)}`
  return showValue(entry)
}

/** The entries a match selected, singled out from the near-misses: `matched call: …` / `matched calls (2):`. */
export function formatMatchedCalls(matched: readonly LogEntry[], options: Pick<FailureOptions, 'color'> = {}): string[] {
  if (matched.length === 0) return []
  const p = paint(options.color ?? false)
  const noun = matched.every(isTraffic) ? 'call' : 'entry'
  if (matched.length === 1) return [`${p.dim(`matched ${noun}:`)} ${formatCall(matched[0])}`]
  const shown = matched.slice(0, MAX_MATCHED)
  const lines = [p.dim(`matched ${noun === 'call' ? 'calls' : 'entries'} (${matched.length}):`), ...shown.map((m) => `  ${formatCall(m)}`)]
  if (matched.length > shown.length) lines.push(`  … ${matched.length - shown.length} more`)
  return lines
}

function definitionError(r: FailureDefinition, options: FailureOptions): string[] {
  if (!r.error) return []
  const p = paint(options.color ?? false)
  const why = r.status === 'error' ? (r.runId === '' ? 'the environment could not start' : 'the run broke outside any step') : r.error.code === 'RUN_TIMEOUT' ? 'timed out' : 'failed'
  const symbol = r.status === 'error' ? p.yellow('!') : p.red('✗')
  return [[`${symbol} ${p.bold(r.name)} — ${why}`, `  at ${file(r.file, options)}`, ...errorLines(r.error, '  ')].join('\n')]
}

function testSections(r: FailureDefinition, test: TestResult, options: FailureOptions): string[] {
  const p = paint(options.color ?? false)
  const out: string[] = []
  if (test.error) out.push([`${p.red('✗')} ${p.bold(`${r.name} › ${test.name}`)}`, `  at ${file(r.file, options)}`, ...errorLines(test.error, '  ')].join('\n'))
  for (const step of test.steps) out.push(...stepSections(r, test, step, options, p))
  return out
}

function stepSections(r: FailureDefinition, test: TestResult, step: StepResult, options: FailureOptions, p: Paint): string[] {
  if (step.status !== 'failed' && !step.warned) return []
  const failedIterations = (step.iterations ?? []).filter((i) => i.status === 'failed')
  if (failedIterations.length > 0) return failedIterations.flatMap((i) => stepSections(r, test, { ...i, ...(step.warned ? { warned: true } : {}) }, options, p))
  const title = `${r.name} › ${test.name} › ${step.name}`
  const lines = [step.warned ? `${p.yellow('!')} ${p.bold(title)} ${p.dim('(stopOnFailure: false — reported, not fatal)')}` : `${p.red('✗')} ${p.bold(title)}`, `  at ${file(r.file, options)}`]
  if (step.error) lines.push(...errorLines(step.error, '  '))
  for (const a of [...step.extracts, ...step.blocks.flatMap((b) => b.results)]) if (!a.passed && !a.skipped) lines.push(...assertionLines(a, options, p))
  if (step.traffic.length > 0) lines.push(`  ${p.dim('traffic of this step:')}`, ...formatTimeline(step.traffic).map((l) => `    ${l}`))
  const noisy = step.consoleLogs.filter((c) => c.level === 'ERROR' || c.level === 'WARN')
  if (noisy.length > 0) lines.push(`  ${p.dim('console (ERROR/WARN):')}`, ...consoleLines(noisy, p).map((l) => `    ${l}`))
  return [lines.join('\n')]
}

function assertionLines(a: AssertionResult, options: FailureOptions, p: Paint): string[] {
  const iteration = a.iteration ? ` [${a.iteration.loop} #${a.iteration.index}]` : ''
  const lines = [`  ${p.red('✗')} ${a.source ?? a.path ?? a.kind}${a.operator ? ` (${a.operator})` : ''}${iteration}`]
  const detail = a.error ?? (a.kind === 'match-count' ? a.message.replace(/; (closest|first): .*$/, '') : undefined)
  if (detail !== undefined) lines.push(`      ${truncate(detail, MAX_LINE)}`)
  if (a.expected !== undefined) lines.push(`      expected: ${p.green(showValue(a.expected))}`)
  if (a.actual !== undefined && a.error === undefined) lines.push(`      actual:   ${p.red(showValue(a.actual))}`)
  if (lines.length === 1) lines.push(`      ${truncate(a.message, MAX_LINE)}`)
  const color = { color: options.color ?? false }
  if (a.matched && a.matched.length > 0) lines.push(...formatMatchedCalls(a.matched, color).map((l) => `      ${l}`))
  if (a.closest && a.closest.length > 0) lines.push(...formatClosestCalls(a.closest, color).map((l) => `      ${l}`))
  return lines
}

function callTail(t: TrafficEntry): string {
  const status = t.response ? String(t.response.status) : t.outcome === 'error' ? 'ERR' : '—'
  const ms = t.responseTime === null ? '—' : `${Math.round(t.responseTime)} ms`
  return `${status.padEnd(3)}  ${ms}${t.outcome === 'proxied' ? '' : `  [${t.outcome}]`}`
}

function consoleLines(lines: readonly ConsoleLogEntry[], p: Paint): string[] {
  const shown = lines.slice(-MAX_CONSOLE)
  const out = shown.map((c) => `${c.service}  ${c.level === 'ERROR' ? p.red(c.level) : p.yellow(c.level)}  ${truncate(c.message, MAX_LINE)}`)
  if (lines.length > shown.length) out.unshift(`… ${lines.length - shown.length} earlier`)
  return out
}

function isTraffic(entry: unknown): entry is TrafficEntry {
  const t = entry as Partial<TrafficEntry> | null
  return typeof t === 'object' && t !== null && typeof t.request?.url === 'string' && typeof t.origin === 'string'
}

function urlPath(url: string): string {
  try {
    const u = new URL(url)
    return `${u.pathname}${u.search}`
  } catch {
    return url
  }
}

function errorLines(error: ErrorInfo, indent: string): string[] {
  const [first = '', ...rest] = error.message.split(/\r?\n/)
  const lines = [`${indent}${error.code}: ${truncate(first, MAX_LINE)}`, ...rest.slice(0, MAX_ERROR_LINES - 1).map((l) => `${indent}  ${truncate(l, MAX_LINE)}`)]
  if (rest.length > MAX_ERROR_LINES - 1) lines.push(`${indent}  … ${rest.length - (MAX_ERROR_LINES - 1)} more lines`)
  return lines
}

function file(path: string, options: FailureOptions): string {
  const rel = relative(options.cwd ?? process.cwd(), path)
  return rel === '' || rel.startsWith('..') ? path : rel
}
