import { availableParallelism, freemem } from 'node:os'
import { UsageError } from './_errors.js'

/** Flags after folding in environment variables: the one normalising step (STYLE.md rule 24). */
export interface Flags {
  cwd: string
  /** CI mode: `--ci`, or CI=true / CI=1 in the environment. */
  ci: boolean
}

export function resolveFlags(args: { ci?: boolean }, env: NodeJS.ProcessEnv = process.env): Flags {
  const ciEnv = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false'
  return { cwd: process.cwd(), ci: args.ci ?? ciEnv }
}

/** `dokkimi run` flags, checked and typed. */
export interface RunFlags extends Flags {
  /** Undefined: decided from the machine and the number of definitions ({@link defaultMaxParallel}). */
  maxParallel?: number
  /** Overrides every definition's `config.timeoutSeconds`. */
  timeoutSeconds?: number
  /** A built-in runtime name or a module path. @default 'docker' */
  runtime: string
  junit?: string
  json?: string
  keepOnFailure: boolean
  /** Redraw a live block: stdout is a TTY and not CI mode. */
  live: boolean
}

export interface RunArgs {
  ci?: boolean
  'max-parallel'?: string
  timeout?: string
  runtime?: string
  junit?: string
  json?: string
  'keep-on-failure'?: boolean
}

export function resolveRunFlags(args: RunArgs, tty: boolean, env: NodeJS.ProcessEnv = process.env): RunFlags {
  const base = resolveFlags(args, env)
  const maxParallel = positiveInt('--max-parallel', args['max-parallel'])
  const timeoutSeconds = positiveInt('--timeout', args.timeout)
  const path = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined
    if (value === '' || typeof value !== 'string') throw new UsageError(`${flag} needs a file path, e.g. ${flag} reports/dokkimi.${flag === '--junit' ? 'xml' : 'json'}`)
    return value
  }
  const junit = path('--junit', args.junit)
  const json = path('--json', args.json)
  const runtime = args.runtime ?? 'docker'
  if (runtime === '') throw new UsageError('--runtime needs a value: docker, kubernetes, or a module path')
  return {
    ...base,
    runtime,
    keepOnFailure: args['keep-on-failure'] ?? false,
    live: tty && !base.ci,
    ...(maxParallel !== undefined ? { maxParallel } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(junit !== undefined ? { junit } : {}),
    ...(json !== undefined ? { json } : {}),
  }
}

function positiveInt(flag: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`)
  return n
}

/** How many environments run at once by default: what the machine can hold, at least 2, never more than there are definitions. */
export function defaultMaxParallel(definitions: number, machine: { freeMemory: number; cpus: number } = { freeMemory: freemem(), cpus: availableParallelism() }): number {
  const byMemory = Math.floor(machine.freeMemory / 2 ** 30)
  return Math.max(1, Math.min(definitions, Math.max(2, byMemory, machine.cpus)))
}
