// Live progress. The state is fed RunEvents; in a TTY `renderLive()` draws one block per running
// definition (booting with items ready x/y, then the test and step running), otherwise every event
// that matters becomes a plain `[definition] …` line.
import type { Definition, DefinitionResult, RunEvent, StepResult } from '@dokkimi/core'
import { formatDuration, paint, truncate } from './_report-style.js'
import { outcomeOf } from './_report-summary.js'

export interface DefinitionProgress {
  name: string
  phase: 'pending' | 'booting' | 'running' | 'done'
  /** Container items the environment starts. */
  total: number
  items: Map<string, 'starting' | 'ready' | 'failed'>
  /** Image being pulled or built. */
  image?: string
  test?: string
  step?: string
  steps: { passed: number; failed: number }
  startedAt?: number
  result?: DefinitionResult
}

export interface Progress {
  definitions: Map<string, DefinitionProgress>
}

const CONTAINER_ITEMS = new Set(['SERVICE', 'WORKER', 'DATABASE', 'BROKER'])

export function createProgress(definitions: ReadonlyArray<Pick<Definition, 'name' | 'items'>>): Progress {
  return {
    definitions: new Map(
      definitions.map((d) => [d.name, { name: d.name, phase: 'pending', total: d.items.filter((i) => CONTAINER_ITEMS.has(i.type)).length, items: new Map(), steps: { passed: 0, failed: 0 } }]),
    ),
  }
}

function entry(progress: Progress, name: string): DefinitionProgress {
  let d = progress.definitions.get(name)
  if (!d) progress.definitions.set(name, (d = { name, phase: 'pending', total: 0, items: new Map(), steps: { passed: 0, failed: 0 } }))
  return d
}

/** Marks a definition as booting; returns its plain line. */
export function startDefinition(progress: Progress, name: string, now: number): string[] {
  const d = entry(progress, name)
  d.phase = 'booting'
  d.startedAt = now
  return [`[${name}] booting…`]
}

/** Applies one event; returns the plain lines it produces (possibly none). */
export function applyEvent(progress: Progress, event: RunEvent, color = false): string[] {
  const p = paint(color)
  const d = entry(progress, event.definition)
  const tag = `[${d.name}]`
  switch (event.type) {
    case 'boot': {
      const e = event.event
      if (e.type === 'stage') {
        for (const item of e.items) if (!d.items.has(item)) d.items.set(item, 'starting')
        d.total = Math.max(d.total, d.items.size)
        return []
      }
      if (e.type === 'image') {
        if (e.status === 'pulling' || e.status === 'building') {
          d.image = e.image
          return [`${tag} ${e.status} image ${e.image}…`]
        }
        if (d.image === e.image) delete d.image
        return []
      }
      d.items.set(e.item, e.status)
      d.total = Math.max(d.total, d.items.size)
      if (e.status === 'failed') return [`${tag} ${p.red('✗')} ${e.item} failed${e.detail ? `: ${truncate(e.detail, 200)}` : ''}`]
      return []
    }
    case 'ready':
      d.phase = 'running'
      delete d.image
      return [`${tag} ready in ${formatDuration(event.bootMs)} (${readyCount(d)}/${d.total} items)`]
    case 'test-start':
      d.test = event.test
      delete d.step
      return []
    case 'step-start':
      d.test = event.test
      d.step = event.name
      return []
    case 'step-end': {
      delete d.step
      d.steps[event.result.status === 'failed' ? 'failed' : 'passed']++
      return [`${tag} ${stepSymbol(event.result, color)} ${event.test} › ${event.result.name} (${formatDuration(event.result.durationMs)})`]
    }
    case 'test-end': {
      delete d.test
      const error = event.result.error
      return error ? [`${tag} ${p.red('✗')} ${event.result.name}: ${error.code}: ${truncate(error.message, 200)}`] : []
    }
  }
}

/** Records the result; returns the plain line that closes the definition. */
export function finishDefinition(progress: Progress, result: DefinitionResult, color = false): string[] {
  const d = entry(progress, result.name)
  d.phase = 'done'
  d.result = result
  const p = paint(color)
  const symbol = result.status === 'passed' ? p.green('✓') : result.status === 'failed' ? p.red('✗') : p.yellow('!')
  const error = result.status === 'error' && result.error ? `: ${truncate(result.error.message.split('\n')[0] ?? '', 200)}` : ''
  return [`[${result.name}] ${symbol} ${result.status === 'error' ? 'error' : result.status}: ${outcomeOf(result)}${error} (${formatDuration(result.durationMs)})`]
}

/** What a TTY keeps once a definition is done: its outcome and the steps that failed. */
export function formatDone(result: DefinitionResult, color = false): string[] {
  const p = paint(color)
  const symbol = result.status === 'passed' ? p.green('✓') : result.status === 'failed' ? p.red('✗') : p.yellow('!')
  const lines = [`${symbol} ${p.bold(result.name)}  ${outcomeOf(result)}  ${p.dim(formatDuration(result.durationMs))}`]
  for (const t of result.tests)
    for (const s of t.steps) if (s.status === 'failed' || s.warned) lines.push(`    ${stepSymbol(s, color)} ${t.name} › ${s.name}`)
  if (result.status === 'error' && result.error) lines.push(`    ${truncate(result.error.message.split('\n')[0] ?? '', 200)}`)
  return lines
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export interface LiveOptions {
  now: number
  /** Spinner frame counter. */
  frame: number
  color?: boolean
  /** Most definitions shown at once; the rest are summed up. @default 12 */
  maxRows?: number
}

/** The redrawn block: one line per running definition, then a line for those still waiting. */
export function renderLive(progress: Progress, options: LiveOptions): string[] {
  const p = paint(options.color ?? false)
  const all = [...progress.definitions.values()]
  const active = all.filter((d) => d.phase === 'booting' || d.phase === 'running')
  const waiting = all.filter((d) => d.phase === 'pending').length
  const done = all.length - active.length - waiting
  const width = Math.max(0, ...active.map((d) => d.name.length))
  const spin = p.cyan(SPINNER[options.frame % SPINNER.length]!)
  const max = options.maxRows ?? 12
  const lines = active.slice(0, max).map((d) => {
    const elapsed = p.dim(formatDuration(options.now - (d.startedAt ?? options.now)))
    const what =
      d.phase === 'booting'
        ? `booting  ${readyCount(d)}/${d.total} items ready${d.image ? ` · image ${d.image}` : ''}`
        : `${d.test ? `${d.test}${d.step ? ` › ${d.step}` : ''}` : 'running'}${d.steps.passed + d.steps.failed > 0 ? `  ${p.green(`✓ ${d.steps.passed}`)}${d.steps.failed > 0 ? ` ${p.red(`✗ ${d.steps.failed}`)}` : ''}` : ''}`
    return `${spin} ${d.name.padEnd(width)}  ${what}  ${elapsed}`
  })
  if (active.length > max) lines.push(p.dim(`  … ${active.length - max} more running`))
  if (waiting > 0 || active.length > 0) lines.push(p.dim(`  ${done} done · ${active.length} running · ${waiting} waiting`))
  return lines
}

function readyCount(d: DefinitionProgress): number {
  return [...d.items.values()].filter((s) => s === 'ready').length
}

function stepSymbol(s: StepResult, color: boolean): string {
  const p = paint(color)
  return s.status === 'failed' ? p.red('✗') : s.warned ? p.yellow('!') : s.status === 'skipped' ? p.dim('-') : p.green('✓')
}
