import { type CommandDef, renderUsage, runCommand } from 'citty'
import { EnvironmentError, EXIT, UsageError } from './_errors.js'
import { terminal } from './_terminal.js'

/** Runs a command and maps its outcome to an exit code: the only place that does (F-300). */
export async function runMain(cmd: CommandDef, rawArgs: string[] = process.argv.slice(2)): Promise<number> {
  const meta = (typeof cmd.meta === 'function' ? await cmd.meta() : await cmd.meta) ?? {}
  try {
    if (rawArgs.length === 1 && ['--version', '-v', 'version'].includes(rawArgs[0]!)) {
      terminal.out(`v${meta.version}`)
      return EXIT.ok
    }
    if (rawArgs.length === 0 || rawArgs[0] === 'help' || (rawArgs.length === 1 && ['--help', '-h'].includes(rawArgs[0]!))) {
      terminal.out(await renderUsage(cmd))
      return EXIT.ok
    }
    if (rawArgs.includes('--help') || rawArgs.includes('-h')) {
      const sub = await subCommand(cmd, rawArgs[0]!)
      terminal.out(await renderUsage(sub ?? cmd, sub ? cmd : undefined))
      return EXIT.ok
    }
    // Subcommands are run here rather than through the parent: citty drops a subcommand's result.
    const sub = await subCommand(cmd, rawArgs[0]!)
    if (!sub) throw new UsageError(`unknown command "${rawArgs[0]}"`)
    const { result } = await runCommand(sub, { rawArgs: rawArgs.slice(1) })
    return typeof result === 'number' ? result : EXIT.ok
  } catch (error) {
    const name = (error as Error)?.name
    if (error instanceof UsageError || name === 'CLIError') {
      terminal.err(`dokkimi: ${(error as Error).message}`)
      terminal.err('Run `dokkimi --help` for usage.')
      return EXIT.usage
    }
    if (error instanceof EnvironmentError) {
      terminal.err(`dokkimi: ${error.message}`)
      if (process.env.DEBUG?.includes('dokkimi') && error.cause) terminal.err(String((error.cause as Error)?.stack ?? error.cause))
      return EXIT.environment
    }
    terminal.err(`dokkimi: unexpected error: ${(error as Error)?.message ?? String(error)}`)
    if (process.env.DEBUG?.includes('dokkimi')) terminal.err(String((error as Error)?.stack))
    return EXIT.failed
  }
}

async function subCommand(cmd: CommandDef, name: string): Promise<CommandDef | undefined> {
  const subs = typeof cmd.subCommands === 'function' ? await cmd.subCommands() : await cmd.subCommands
  const entry = subs?.[name]
  if (!entry) return undefined
  const resolved = typeof entry === 'function' ? await entry() : await entry
  return resolved as CommandDef
}
