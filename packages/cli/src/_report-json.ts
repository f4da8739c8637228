// The JSON report (`--json`, `.dokkimi/.runs/`, `dokkimi dump`): the run's DefinitionResults as
// plain JSON, so that `JSON.parse(JSON.stringify(report))` gives back the same object.
import type { DefinitionResult } from '@dokkimi/core'
import { countResults, type RunCounts } from './_report-summary.js'

/** Bumped when the shape changes incompatibly. */
export const REPORT_VERSION = 1

export interface RunReport {
  version: typeof REPORT_VERSION
  /** The CLI version that ran. */
  dokkimi: string
  /** The `.dokkimi/` folder of the project. */
  root: string
  targets: string[]
  runtime: string
  startedAt: string
  durationMs: number
  /** `interrupted` when Ctrl-C stopped the run. */
  status: 'passed' | 'failed' | 'errored' | 'interrupted'
  summary: RunCounts
  definitions: DefinitionResult[]
}

export interface ReportMeta {
  dokkimi: string
  root: string
  targets: readonly string[]
  runtime: string
  startedAt: number
  durationMs: number
  interrupted?: boolean
}

export function toReport(results: readonly DefinitionResult[], meta: ReportMeta): RunReport {
  const summary = countResults(results)
  const status = meta.interrupted ? 'interrupted' : summary.failed > 0 ? 'failed' : summary.errored > 0 ? 'errored' : 'passed'
  return toJsonValue({
    version: REPORT_VERSION,
    dokkimi: meta.dokkimi,
    root: meta.root,
    targets: [...meta.targets],
    runtime: meta.runtime,
    startedAt: new Date(meta.startedAt).toISOString(),
    durationMs: meta.durationMs,
    status,
    summary,
    definitions: [...results],
  }) as RunReport
}

/**
 * `value` as JSON would carry it: undefined properties dropped (undefined in arrays → null), non-finite
 * numbers → null, bigint → string, Dates → ISO strings, cycles cut.
 */
export function toJsonValue(value: unknown, seen = new Set<object>()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object') return undefined
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  const toJSON = (value as { toJSON?: () => unknown }).toJSON
  if (typeof toJSON === 'function') return toJsonValue(toJSON.call(value), seen)
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  try {
    if (Array.isArray(value)) return value.map((v) => toJsonValue(v, seen) ?? null)
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const j = toJsonValue(v, seen)
      if (j !== undefined) out[k] = j
    }
    return out
  } finally {
    seen.delete(value)
  }
}
