// Starts the watchdog: a detached process holding a pipe from the Vitest process. Vitest exits on
// SIGINT without running global teardown, so the watchdog, not the teardown, is what sweeps then.
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { DokkimiContext } from './_context.js'

export interface Watchdog {
  /** The watchdog's process id. */
  readonly pid: number | undefined
  /** Tells the watchdog the run ended cleanly (teardown swept already), so it exits without sweeping. */
  release(): void
}

/** Spawns the watchdog for `context.session`; it sweeps that session once this process is gone. */
export function startWatchdog(context: DokkimiContext): Watchdog {
  const source = import.meta.url.endsWith('.ts')
  const script = fileURLToPath(new URL(`./_watchdog.${source ? 'ts' : 'js'}`, import.meta.url))
  // From sources (this workspace), the watchdog runs through tsx with the workspace's source condition.
  const execArgv = source ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, '--conditions=@dokkimi/source'] : []
  const child: ChildProcess = spawn(process.execPath, [...execArgv, script], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, DOKKIMI_WATCHDOG: JSON.stringify(context) },
  })
  child.on('error', () => {})
  child.stdin?.on('error', () => {})
  child.unref()
  ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
  return {
    pid: child.pid,
    release() {
      if (!child.stdin?.writable) return
      child.stdin.end('release\n')
    },
  }
}
