import { defineCommand } from 'citty'
import { assertKnownFlags, EXIT } from '../_errors.js'
import { resolveFlags } from '../_flags.js'
import { plural } from '../_report-style.js'
import type { RuntimeSession} from '../_runtime.js';
import { RUNTIME_ARG, runtimeSessionHooks } from '../_runtime.js'
import { terminal } from '../_terminal.js'

const args = {
  runtime: RUNTIME_ARG,
} as const

export default defineCommand({
  meta: { name: 'clean', description: 'Remove environments left behind by runs that are gone (including --keep-on-failure ones)' },
  args,
  ...runtimeSessionHooks,
  async run({ args: parsed, rawArgs, data }) {
    assertKnownFlags(rawArgs, args)
    const { cwd } = resolveFlags({})
    const runtime = await (data as RuntimeSession).open(parsed.runtime ?? 'docker', {}, cwd)
    const { removed } = await runtime.sweep()
    if (removed.length === 0) terminal.out(`Nothing to clean: no leftover ${runtime.name} environments.`)
    else terminal.out([`Removed ${plural(removed.length, 'environment')}:`, ...removed.map((id) => `  ${id}`)].join('\n'))
    return EXIT.ok
  },
})
