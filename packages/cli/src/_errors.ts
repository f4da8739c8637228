/** A mistake in how the command was called: exit code 2 (F-300). */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The environment could not be provided (runtime missing or unavailable, engine down): exit code 3. */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError'
}

/** Exit codes of every command, mapped in exactly one place (`run-main.ts`). */
export const EXIT = { ok: 0, failed: 1, usage: 2, environment: 3, interrupted: 130 } as const

/** Throws a UsageError for `--flags` the command does not define (citty accepts anything). */
export function assertKnownFlags(rawArgs: readonly string[], args: Record<string, { type?: string; alias?: string | string[] }>): void {
  const known = new Set<string>(['help', 'h'])
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue
    known.add(name)
    known.add(`no-${name}`)
    known.add(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))
    for (const a of [def.alias ?? []].flat()) known.add(a)
  }
  for (const raw of rawArgs) {
    if (raw === '--') break
    const m = /^--?([^=]+)/.exec(raw)
    if (!m || /^-\d/.test(raw)) continue
    const names = raw.startsWith('--') ? [m[1]!] : [...m[1]!]
    for (const n of names) if (!known.has(n)) throw new UsageError(`unknown option ${raw.startsWith('--') ? '--' : '-'}${n}`)
  }
}
