// Runs Vitest in a child process the way this workspace runs the examples: from TypeScript
// sources through tsx, with the config loaded natively so `@dokkimi/source` applies to it too.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface VitestRun {
  status: number | null
  stdout: string
  stderr: string
}

const require = createRequire(import.meta.url)
export const TSX = pathToFileURL(require.resolve('tsx')).href
export const VITEST = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')

/** The parent's environment without what the running Vitest set for its own workers. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(VITEST|TINYPOOL|NODE_OPTIONS$)/.test(key)) env[key] = value
  return { ...env, NO_COLOR: '1', ...extra }
}

/** `vitest <args>` in `cwd`; resolves when it exits (or is killed after `timeout` ms). */
export function runVitest(args: string[], options: { cwd: string; env?: Record<string, string>; timeout?: number }): Promise<VitestRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, '--conditions=@dokkimi/source', VITEST, ...args, '--configLoader', 'native'], {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeout ?? 120_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}
