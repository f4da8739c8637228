import { formatIssue, type Issue } from '@dokkimi/resolver'

/** Issues grouped by file with code frames, then the `Resolved …` and counts lines (F-310, F-332). */
export function formatIssueReport(result: { errors: readonly Issue[]; warnings: readonly Issue[]; definitionCount: number }, options: { cwd: string; color: boolean }): string[] {
  const lines: string[] = []
  const byFile = new Map<string, Issue[]>()
  for (const issue of [...result.errors, ...result.warnings]) byFile.set(issue.file, [...(byFile.get(issue.file) ?? []), issue])
  for (const issues of byFile.values()) {
    issues.sort((a, b) => a.line - b.line || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
    for (const issue of issues) lines.push(`${formatIssue(issue, options)}\n`)
  }
  const withErrors = new Set(result.errors.map((e) => e.file)).size
  lines.push(`Resolved ${result.definitionCount} definition(s), ${withErrors} file(s) with errors`)
  const e = result.errors.length
  const w = result.warnings.length
  lines.push(e === 0 && w === 0 ? 'All files valid.' : e === 0 ? `No errors. ${w} warning${w === 1 ? '' : 's'}.` : `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}.`)
  return lines
}
