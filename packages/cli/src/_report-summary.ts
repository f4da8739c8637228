// The final summary: one line per definition, test counts, durations, and the closing line
// `N passed, N failed` (definitions; `, N errored` only when an environment could not start).
import type { DefinitionResult } from '@dokkimi/core'
import { formatDuration, paint, plural } from './_report-style.js'

export interface RunCounts {
  /** Definitions. */
  passed: number
  failed: number
  /** Definitions whose environment could not start (or broke outside any step). */
  errored: number
  tests: { passed: number; failed: number; skipped: number }
}

export function countResults(results: readonly DefinitionResult[]): RunCounts {
  const tests = results.flatMap((r) => r.tests)
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    errored: results.filter((r) => r.status === 'error').length,
    tests: {
      passed: tests.filter((t) => t.status === 'passed').length,
      failed: tests.filter((t) => t.status === 'failed').length,
      skipped: tests.filter((t) => t.status === 'skipped').length,
    },
  }
}

export function closingLine(counts: RunCounts): string {
  return `${counts.passed} passed, ${counts.failed} failed${counts.errored > 0 ? `, ${counts.errored} errored` : ''}`
}

/** What one definition came to: `2 tests passed`, `1 failed, 1 skipped`, `environment could not start`. */
export function outcomeOf(r: DefinitionResult): string {
  if (r.status === 'error') return r.runId === '' ? 'environment could not start' : `broke: ${r.error?.code ?? 'error'}`
  const passed = r.tests.filter((t) => t.status === 'passed').length
  const failed = r.tests.filter((t) => t.status === 'failed').length
  const skipped = r.tests.filter((t) => t.status === 'skipped').length
  if (r.status === 'passed') return `${plural(passed, 'test')} passed`
  const parts = [failed > 0 || passed + skipped === 0 ? `${failed} failed` : '', passed > 0 ? `${passed} passed` : '', skipped > 0 ? `${skipped} skipped` : ''].filter(Boolean)
  return r.error?.code === 'RUN_TIMEOUT' ? `timed out, ${parts.join(', ')}` : parts.join(', ')
}

export interface SummaryOptions {
  /** Wall time of the whole run. */
  wallMs: number
  color?: boolean
}

export function formatSummary(results: readonly DefinitionResult[], options: SummaryOptions): string {
  const p = paint(options.color ?? false)
  const counts = countResults(results)
  const width = Math.max(0, ...results.map((r) => r.name.length))
  const outcomes = results.map(outcomeOf)
  const owidth = Math.max(0, ...outcomes.map((o) => o.length))
  const lines = results.map((r, i) => {
    const symbol = r.status === 'passed' ? p.green('✓') : r.status === 'failed' ? p.red('✗') : p.yellow('!')
    const boot = r.runId === '' ? '' : p.dim(`  (boot ${formatDuration(r.bootMs)})`)
    return `  ${symbol} ${r.name.padEnd(width)}  ${outcomes[i]!.padEnd(owidth)}  ${formatDuration(r.durationMs).padStart(7)}${boot}`
  })
  const t = counts.tests
  const total = t.passed + t.failed + t.skipped
  const testLine = [`${t.passed} passed`, `${t.failed} failed`, ...(t.skipped > 0 ? [`${t.skipped} skipped`] : [])].join(', ')
  const booted = results.filter((r) => r.runId !== '')
  const inEnvironments = results.reduce((sum, r) => sum + r.durationMs, 0)
  const bootAvg = booted.length > 0 ? booted.reduce((sum, r) => sum + r.bootMs, 0) / booted.length : undefined
  const time = [`${formatDuration(options.wallMs)} wall`, `${formatDuration(inEnvironments)} in environments`, ...(bootAvg !== undefined ? [`boot ${formatDuration(bootAvg)} avg`] : [])].join(', ')
  const closing = closingLine(counts)
  const painted = counts.failed + counts.errored === 0 ? p.green(closing) : p.red(closing)
  return [...lines, '', `Tests: ${testLine} (${total})`, `Time:  ${time}`, '', painted].join('\n')
}
