import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { formatFailures, loadDefinitions, runDefinition, type Definition, type DefinitionResult, type Issue, type LoadResult, type Runtime, type StartedEnvironment } from '@dokkimi/core'
import { assertKnownFlags, EXIT, UsageError } from '../_errors.js'
import { defaultMaxParallel, resolveRunFlags, type RunFlags } from '../_flags.js'
import { formatIssueReport } from '../_issues.js'
import { toReport } from '../_report-json.js'
import { toJUnit } from '../_report-junit.js'
import { applyEvent, createProgress, finishDefinition, formatDone, renderLive, startDefinition, type Progress } from '../_report-progress.js'
import { formatDuration, paint, plural } from '../_report-style.js'
import { countResults, formatSummary } from '../_report-summary.js'
import type { RuntimeSession} from '../_runtime.js';
import { RUNTIME_ARG, runtimeSessionHooks } from '../_runtime.js'
import { saveRun } from '../_runs.js'
import { terminal } from '../_terminal.js'
import { version } from '../_version.js'

const args = {
  targets: { type: 'positional', required: false, description: 'Folders, definition files or name patterns (default: the nearest .dokkimi/)' },
  ci: { type: 'boolean', description: 'Plain line output and .dokkimi/.dokignore applied (default: on when CI=true)' },
  'max-parallel': { type: 'string', description: 'Most environments running at once (default: what the machine can hold, at least 2)' },
  timeout: { type: 'string', description: "Seconds each definition may take to boot, and then to run its tests (overrides config.timeoutSeconds)" },
  junit: { type: 'string', description: 'Write a JUnit XML report to this file' },
  json: { type: 'string', description: 'Write the results as JSON to this file' },
  'keep-on-failure': { type: 'boolean', description: 'Leave failed environments running to inspect them; remove them with `dokkimi clean`' },
  runtime: RUNTIME_ARG,
} as const

export default defineCommand({
  meta: { name: 'run', description: 'Start an isolated environment per definition, run its tests, report' },
  args,
  ...runtimeSessionHooks,
  async run({ args: parsed, rawArgs, data }) {
    assertKnownFlags(rawArgs, args)
    const flags = resolveRunFlags(parsed, terminal.interactive)
    const targets = (parsed._ as unknown[]).map(String)
    const loaded = loadAll(targets, flags)
    const display = { cwd: flags.cwd, color: terminal.color }
    if (loaded.errors.length > 0) {
      for (const line of formatIssueReport({ ...loaded, definitionCount: loaded.definitionFiles }, display)) terminal.out(line)
      terminal.out('Nothing was started: fix the errors above, then run again.')
      return EXIT.usage
    }
    if (loaded.warnings.length > 0) terminal.out(warningSummary(loaded.warnings))
    if (loaded.definitions.length === 0) {
      terminal.out(targets.length > 0 ? `No runnable definitions match ${targets.map((t) => JSON.stringify(t)).join(', ')}.` : 'No runnable definitions found.')
      return targets.length > 0 ? EXIT.usage : EXIT.ok
    }
    const session = data as RuntimeSession
    const runtime = await session.open(flags.runtime, { images: loaded.config.images }, flags.cwd)
    const swept = await runtime.sweep().catch(() => ({ removed: [] }))
    if (swept.removed.length > 0) terminal.out(`Removed ${plural(swept.removed.length, 'leftover environment')} of earlier runs.`)
    return execute(loaded, targets, flags, runtime, session)
  },
})

interface Loaded {
  root: string
  config: LoadResult['config']
  definitions: Definition[]
  /** Definition files, valid or not (what `validate` counts). */
  definitionFiles: number
  errors: Issue[]
  warnings: Issue[]
}

function loadAll(targets: readonly string[], flags: RunFlags): Loaded {
  const results = (targets.length > 0 ? targets : [undefined]).map((t) => loadDefinitions(t, { cwd: flags.cwd, ci: flags.ci, version }))
  const first = results[0]!
  const files = new Set(results.flatMap((r) => r.files.filter((f) => f.kind !== 'fragment').map((f) => f.file)))
  const out: Loaded = { root: first.root, config: first.config, definitions: [], definitionFiles: files.size, errors: [], warnings: [] }
  const seen = new Set<string>()
  const byName = new Map<string, string>()
  const once = (list: Issue[], issue: Issue) => {
    const key = `${issue.file}:${issue.line}:${issue.column}:${issue.code}:${issue.message}`
    if (seen.has(key)) return
    seen.add(key)
    list.push(issue)
  }
  for (const r of results) {
    for (const e of r.errors) once(out.errors, e)
    for (const w of r.warnings) once(out.warnings, w)
    for (const d of r.definitions) {
      const other = byName.get(d.name)
      if (other === d.file) continue
      if (other !== undefined) throw new UsageError(`two definitions are named "${d.name}": ${relative(flags.cwd, other)} and ${relative(flags.cwd, d.file)}; run them separately or rename one`)
      byName.set(d.name, d.file)
      out.definitions.push(d)
    }
  }
  return out
}

async function execute(loaded: Loaded, targets: readonly string[], flags: RunFlags, runtime: Runtime, session: RuntimeSession): Promise<number> {
  const { definitions } = loaded
  const color = terminal.color
  const p = paint(color)
  const maxParallel = runtime.flags.parallelEnvironments ? (flags.maxParallel ?? defaultMaxParallel(definitions.length)) : 1
  const startedAt = Date.now()
  const t0 = performance.now()
  terminal.out(`Running ${plural(definitions.length, 'definition')} on ${runtime.name}, ${Math.min(maxParallel, definitions.length)} at a time`)

  const progress = createProgress(definitions)
  const live = flags.live ? startLive(progress, color) : undefined
  // In a TTY the live block redraws on its own timer; otherwise every line is printed.
  const print = (lines: string[]) => {
    if (!live) for (const l of lines) terminal.out(l)
  }

  // Ctrl-C: the first stops the run and its environments; the second quits at once.
  const interrupt = new AbortController()
  const onSignal = () => {
    if (interrupt.signal.aborted) {
      terminal.err('Quitting now: environments may be left behind; `dokkimi clean` removes them.')
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
      process.kill(process.pid, 'SIGINT')
      return
    }
    interrupt.abort()
    terminal.err('Interrupted: stopping environments… (Ctrl-C again to quit at once)')
  }
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal)

  const results = new Map<string, DefinitionResult>()
  const kept = new Map<string, StartedEnvironment>()
  const runOne = async (definition: Definition) => {
    const own = new AbortController()
    const signal = AbortSignal.any([interrupt.signal, own.signal])
    const budget = flags.timeoutSeconds ?? definition.config.timeoutSeconds
    const def = flags.timeoutSeconds ? { ...definition, config: { ...definition.config, timeoutSeconds: flags.timeoutSeconds } } : definition
    let timer: NodeJS.Timeout | undefined
    const started: { env?: StartedEnvironment } = {}
    print(startDefinition(progress, def.name, Date.now()))
    let result: DefinitionResult
    try {
      result = await runDefinition(def, {
        runtime,
        signal,
        keepOnFailure: flags.keepOnFailure,
        onEnvironment: (e) => (started.env = e),
        onEvent: (event) => {
          // F-115: the same budget again for the tests, once the environment is ready.
          if (event.type === 'ready') timer = setTimeout(() => own.abort(), budget * 1000)
          print(applyEvent(progress, event, color))
        },
      })
    } catch (error) {
      const e = error as { code?: string; message?: string }
      result = { name: def.name, file: def.file, runId: '', status: 'error', startedAt: Date.now(), bootMs: 0, durationMs: 0, tests: [], error: { code: e.code ?? 'ERROR', message: e.message ?? String(error) } }
    } finally {
      clearTimeout(timer)
    }
    const failedInside = result.error !== undefined || result.tests.some((t) => t.status === 'failed')
    if (started.env && flags.keepOnFailure && failedInside) kept.set(def.name, started.env)
    if (own.signal.aborted && !interrupt.signal.aborted && result.status !== 'error') {
      result.status = 'failed'
      result.error = { code: 'RUN_TIMEOUT', message: `tests did not finish within ${budget} s (${flags.timeoutSeconds ? '--timeout' : 'config.timeoutSeconds'}); raise it with --timeout or in the definition's config` }
    }
    results.set(def.name, result)
    if (live) live.done(result)
    else print(finishDefinition(progress, result, color))
  }
  const queue = [...definitions]
  const worker = async () => {
    for (let next = queue.shift(); next && !interrupt.signal.aborted; next = queue.shift()) await runOne(next)
  }
  try {
    await Promise.all(Array.from({ length: Math.min(maxParallel, definitions.length) }, worker))
  } finally {
    live?.stop()
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }

  const interrupted = interrupt.signal.aborted
  if (interrupted) await Promise.allSettled([...kept.values()].map((e) => e.stop()))
  const ordered = definitions.flatMap((d) => results.get(d.name) ?? [])
  const wallMs = Math.round(performance.now() - t0)
  const failures = formatFailures(ordered, { color, cwd: flags.cwd })
  if (failures) terminal.out(`\n${p.bold(p.red('Failures'))}\n\n${failures}`)

  const report = toReport(ordered, { dokkimi: version, root: loaded.root, targets, runtime: runtime.name, startedAt, durationMs: wallMs, interrupted })
  const written: string[] = []
  const write = (file: string, text: string) => {
    const abs = resolve(flags.cwd, file)
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, text)
    written.push(relative(flags.cwd, abs) || abs)
  }
  if (flags.junit) write(flags.junit, toJUnit(ordered, { wallMs, cwd: flags.cwd }))
  if (flags.json) write(flags.json, `${JSON.stringify(report, null, 2)}\n`)
  try {
    saveRun(loaded.root, report)
  } catch (error) {
    terminal.err(`dokkimi: could not keep this run for \`dokkimi dump\`: ${(error as Error).message}`)
  }
  const notes: string[] = []
  if (written.length > 0) notes.push(`Wrote ${written.join(', ')}`)
  if (failures) notes.push('Traffic, console logs and every assertion of this run: `dokkimi dump --failed`')
  if (!interrupted && kept.size > 0) {
    session.keep = true
    for (const [name, env] of kept) notes.push(...keptLines(name, env))
  }
  if (interrupted) {
    const notStarted = definitions.length - ordered.length
    notes.push(p.yellow(`Interrupted after ${formatDuration(wallMs)}${notStarted > 0 ? `; ${plural(notStarted, 'definition')} not started` : ''}.`))
  }
  terminal.out(['', ...notes, ...(notes.length > 0 ? [''] : [])].join('\n'))
  terminal.out(formatSummary(ordered, { wallMs, color }))
  const counts = countResults(ordered)
  return interrupted ? EXIT.interrupted : counts.failed > 0 ? EXIT.failed : counts.errored > 0 ? EXIT.environment : EXIT.ok
}

function keptLines(name: string, env: StartedEnvironment): string[] {
  const e = env.runtimeEnvironment
  const dbs = Object.entries(e.databases).map(([db, at]) => `  ${db.padEnd(9)} ${at.host}:${at.port}`)
  const service = [...env.http.services.entries()][0]
  return [
    `Kept the environment of ${name} (run ${env.runId}) running:`,
    `  ingress   ${e.ingressUrl}  HTTP proxy into the environment${service ? `, e.g. curl -x ${e.ingressUrl} http://${service[0]}:${service[1]}/` : ''}`,
    `  control   ${e.controlUrl}  captured traffic: ${e.controlUrl.replace(/\/$/, '')}/records`,
    ...dbs,
    'Remove it with `dokkimi clean` once you are done.',
  ]
}

function startLive(progress: Progress, color: boolean) {
  let frame = 0
  const redraw = () => terminal.live(renderLive(progress, { now: Date.now(), frame, color }))
  const timer = setInterval(() => {
    frame++
    redraw()
  }, 120)
  timer.unref()
  return {
    redraw,
    done(result: DefinitionResult) {
      finishDefinition(progress, result)
      terminal.out(formatDone(result, color).join('\n'))
      redraw()
    },
    stop() {
      clearInterval(timer)
      terminal.live([])
    },
  }
}

/** Warnings never stop a run: one line with their codes; `dokkimi validate` shows them in full. */
function warningSummary(warnings: readonly Issue[]): string {
  const counts = new Map<string, number>()
  for (const w of warnings) counts.set(w.code, (counts.get(w.code) ?? 0) + 1)
  const codes = [...counts].map(([code, n]) => (n > 1 ? `${code} ×${n}` : code)).join(', ')
  return `${warnings.length} warning${warnings.length === 1 ? '' : 's'} (${codes}); \`dokkimi validate\` shows them with their code frames.\n`
}
