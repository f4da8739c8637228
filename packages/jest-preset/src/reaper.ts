// The reaper: a detached process started by the global setup. It waits for the Jest process to
// end; if the global teardown did not stop it first (Ctrl-C, a kill), it sweeps the session until
// nothing of it is left, including what orphaned workers were still starting.
import { setTimeout as sleep } from 'node:timers/promises'
import { createLogger, sweepSession } from '@dokkimi/core'
import { readHandoff, runtimeOf } from './_handoff.js'

const POLL_MS = 250

const logger = createLogger('dokkimi:jest')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function main(): Promise<void> {
  const parent = Number(process.argv[2])
  const handoff = readHandoff()
  while (alive(parent)) await sleep(POLL_MS)
  logger.info('jest (pid %d) ended without teardown: sweeping session %s', parent, handoff.session)
  const runtime = await (await runtimeOf(handoff)).create()
  try {
    await sweepSession(runtime, handoff.session, {
      onRemoved: (runIds) => logger.info('removed %s', runIds.join(', ')),
      onError: (error) => logger.warn('sweep failed: %s', error instanceof Error ? error.message : String(error)),
    })
  } finally {
    await runtime.dispose()
  }
}

await main()
