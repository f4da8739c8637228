// Jest global teardown: removes every environment of the session, including those of a worker
// that crashed, then stops the reaper.
import { HANDOFF_VAR, readHandoff, runtimeOf } from './_handoff.js'

/** Sweeps the run's session (`runtime.sweep({ session })`) and disposes the runtime. */
export default async function globalTeardown(): Promise<void> {
  if (!process.env[HANDOFF_VAR]) return
  const handoff = readHandoff()
  try {
    const runtime = await (await runtimeOf(handoff)).create()
    try {
      await runtime.sweep({ session: handoff.session })
    } finally {
      await runtime.dispose()
    }
  } finally {
    delete process.env[HANDOFF_VAR]
    if (handoff.reaper) stopReaper(handoff.reaper)
  }
}

function stopReaper(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    // Already gone.
  }
}
