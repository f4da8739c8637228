import { relative } from 'node:path'
import { defineCommand } from 'citty'
import { formatIssue, type Issue, validate } from '@dokkimi/resolver'
import { assertKnownFlags, EXIT } from '../_errors.js'
import { resolveFlags } from '../_flags.js'
import { terminal } from '../_terminal.js'
import { version } from '../_version.js'

const args = {
  target: { type: 'positional', required: false, description: 'A .dokkimi/ folder, a sub-folder, a definition file, or a name pattern (default: the nearest .dokkimi/)' },
  json: { type: 'boolean', description: 'Print the result as JSON' },
  ci: { type: 'boolean', description: 'Apply .dokkimi/.dokignore, as CI runs do (default: on when CI=true)' },
} as const

export default defineCommand({
  meta: { name: 'validate', description: 'Resolve and validate definitions without starting anything' },
  args,
  run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    const flags = resolveFlags(parsed)
    const result = validate(parsed.target, { cwd: flags.cwd, ci: flags.ci, version })
    if (parsed.json) {
      const strip = (i: Issue) => ({ ...i, file: relative(flags.cwd, i.file) || i.file })
      terminal.out(
        JSON.stringify(
          {
            valid: result.valid,
            root: result.root,
            definitions: result.definitionCount,
            files: result.files
              .filter((f) => f.kind !== 'fragment' || f.errors.length + f.warnings.length > 0)
              .map((f) => ({ file: relative(flags.cwd, f.file), kind: f.kind, name: f.name, errors: f.errors.map(strip), warnings: f.warnings.map(strip) })),
            errors: result.errors.map(strip),
            warnings: result.warnings.map(strip),
          },
          null,
          2,
        ),
      )
      return result.valid ? EXIT.ok : EXIT.failed
    }
    const byFile = new Map<string, Issue[]>()
    for (const issue of [...result.errors, ...result.warnings]) byFile.set(issue.file, [...(byFile.get(issue.file) ?? []), issue])
    for (const issues of byFile.values()) {
      issues.sort((a, b) => a.line - b.line || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
      for (const issue of issues) terminal.out(`${formatIssue(issue, { cwd: flags.cwd, color: terminal.color })}\n`)
    }
    const withErrors = new Set(result.errors.map((e) => e.file)).size
    terminal.out(`Resolved ${result.definitionCount} definition(s), ${withErrors} file(s) with errors`)
    const e = result.errors.length
    const w = result.warnings.length
    terminal.out(e === 0 && w === 0 ? 'All files valid.' : e === 0 ? `No errors. ${w} warning${w === 1 ? '' : 's'}.` : `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}.`)
    return result.valid ? EXIT.ok : EXIT.failed
  },
})
