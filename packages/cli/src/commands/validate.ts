import { relative } from 'node:path'
import { defineCommand } from 'citty'
import { type Issue, validate } from '@dokkimi/resolver'
import { assertKnownFlags, EXIT } from '../_errors.js'
import { resolveFlags } from '../_flags.js'
import { formatIssueReport } from '../_issues.js'
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
    for (const line of formatIssueReport(result, { cwd: flags.cwd, color: terminal.color })) terminal.out(line)
    return result.valid ? EXIT.ok : EXIT.failed
  },
})
