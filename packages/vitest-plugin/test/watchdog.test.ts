// The watchdog sweeps a session when the Vitest process is gone without its teardown (SIGINT,
// SIGKILL), and does nothing after a clean teardown released it. A recording runtime shows it.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { childEnv, TSX } from './_run-vitest.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function host(session: string, ending: 'release' | 'die'): Promise<string[]> {
  const log = join(testdir({}), 'sweeps.log')
  const run = spawnSync(process.execPath, ['--import', TSX, '--conditions=@dokkimi/source', join(fixtures, 'watchdog-host.ts'), session, ending], { cwd: fixtures, encoding: 'utf8', env: childEnv({ DOKKIMI_SWEEP_LOG: log }), timeout: 30_000 })
  const pid = Number(run.stdout.trim())
  expect(pid, run.stderr).toBeGreaterThan(0)
  for (let i = 0; i < 300 && alive(pid); i++) await sleep(100)
  expect(alive(pid)).toBe(false)
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []
}

describe('the watchdog', () => {
  it('sweeps the session until it is quiet once the Vitest process died', { timeout: 60_000 }, async () => {
    expect(await host('died-1', 'die')).toEqual(['died-1', 'died-1', 'died-1'])
  })

  it('exits without sweeping once a clean teardown released it', { timeout: 60_000 }, async () => {
    expect(await host('released-1', 'release')).toEqual([])
  })
})
