import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { assertKnownFlags, EXIT, UsageError } from '../_errors.js'
import { resolveFlags } from '../_flags.js'
import { listRuns, findProjectRoot, readRun, runsDir } from '../_runs.js'
import { terminal } from '../_terminal.js'

const args = {
  failed: { type: 'boolean', description: 'Only the definitions that failed or could not start' },
  output: { type: 'string', alias: 'o', description: 'Write to this file instead of stdout' },
} as const

export default defineCommand({
  meta: { name: 'dump', description: "The last run's results, traffic and console logs as JSON" },
  args,
  run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    const { cwd } = resolveFlags({})
    if (parsed.output === '') throw new UsageError('--output needs a file path, e.g. -o dokkimi-dump.json')
    const root = findProjectRoot(cwd)
    const latest = root ? listRuns(root)[0] : undefined
    if (!root || !latest) {
      terminal.err(root ? `No runs yet in ${relative(cwd, runsDir(root)) || runsDir(root)}: \`dokkimi run\` keeps its last 10 runs there.` : `No .dokkimi/ folder at ${cwd} or above, so no runs to dump. Run \`dokkimi run\` in a project first.`)
      return EXIT.failed
    }
    const report = readRun(latest)
    const out = parsed.failed ? { ...report, definitions: report.definitions.filter((d) => d.status !== 'passed') } : report
    const text = `${JSON.stringify(out, null, 2)}\n`
    if (parsed.output === undefined) {
      terminal.out(text.trimEnd())
      return EXIT.ok
    }
    const file = resolve(cwd, parsed.output)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text)
    terminal.err(`Wrote ${out.definitions.length} definition(s) of the run of ${report.startedAt} to ${relative(cwd, file) || file}`)
    return EXIT.ok
  },
})
