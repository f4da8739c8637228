import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { Issue } from './issues.js'

export interface FormatOptions {
  /** Paths are printed relative to this folder. @default process.cwd() */
  cwd?: string
  /** ANSI colours. @default false */
  color?: boolean
  /** Returns a file's text for the code frame. @default reads the file from disk */
  readSource?: (file: string) => string | undefined
  /** Lines of context above the issue's line. @default 2 */
  contextLines?: number
}

const paint = (on: boolean, code: number, s: string) => (on ? `\u001b[${code}m${s}\u001b[39m` : s)

/** Formats one issue: `file:line:col`, severity, code and rule, the message, a code frame and the hint. */
export function formatIssue(issue: Issue, options: FormatOptions = {}): string {
  const color = options.color ?? false
  const cwd = options.cwd ?? process.cwd()
  const where = `${relative(cwd, issue.file) || issue.file}${issue.line ? `:${issue.line}:${issue.column}` : ''}`
  const sev = issue.severity === 'error' ? paint(color, 31, 'error') : paint(color, 33, 'warn')
  const lines = [`${where}  ${sev} ${issue.message}  ${paint(color, 90, `${issue.code} ${issue.rule}`)}`]
  if (issue.path) lines.push(`  at ${issue.path}`)
  const frame = issue.line > 0 ? codeFrame(issue, options) : undefined
  if (frame) lines.push(frame)
  if (issue.hint) lines.push(`  ${paint(color, 36, 'hint:')} ${issue.hint}`)
  return lines.join('\n')
}

/** Formats a list of issues, errors first, separated by blank lines. */
export function formatIssues(issues: readonly Issue[], options: FormatOptions = {}): string {
  const sorted = [...issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
  return sorted.map((i) => formatIssue(i, options)).join('\n\n')
}

function codeFrame(issue: Issue, options: FormatOptions): string | undefined {
  const read = options.readSource ?? defaultRead
  const text = read(issue.file)
  if (text === undefined) return undefined
  const all = text.split(/\r?\n/)
  const context = options.contextLines ?? 2
  const first = Math.max(1, issue.line - context)
  const last = Math.min(all.length, issue.line)
  const width = String(last).length
  const out: string[] = []
  for (let n = first; n <= last; n++) {
    const marker = n === issue.line ? '>' : ' '
    out.push(`  ${marker} ${String(n).padStart(width)} | ${all[n - 1] ?? ''}`)
  }
  if (issue.column > 0) out.push(`    ${' '.repeat(width)} | ${' '.repeat(issue.column - 1)}${paint(options.color ?? false, 31, '^')}`)
  return out.join('\n')
}

const texts = new Map<string, string | undefined>()
function defaultRead(file: string): string | undefined {
  if (!texts.has(file)) {
    try {
      texts.set(file, readFileSync(file, 'utf8'))
    } catch {
      texts.set(file, undefined)
    }
  }
  return texts.get(file)
}
