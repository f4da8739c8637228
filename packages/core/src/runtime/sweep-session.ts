import { setTimeout as sleep } from 'node:timers/promises'
import type { Runtime } from './runtime.js'

export interface SweepSessionOptions {
  /** Sweeps in a row that must remove nothing before the session counts as gone. Default 3. */
  quietRounds?: number
  /** Pause between sweeps, in ms. Default 1000. */
  everyMs?: number
  /** Stop after this long even if sweeps still remove something, in ms. Default 120000. */
  giveUpMs?: number
  /** Called with the run ids each sweep removed. */
  onRemoved?: (runIds: string[]) => void
  /** Called when a sweep fails; the round counts as not quiet and sweeping goes on. */
  onError?: (error: unknown) => void
}

/**
 * Removes everything of a test session whose runner died without its teardown (Ctrl-C, a kill):
 * sweeps until several sweeps in a row find nothing, so environments that orphaned workers were
 * still starting are caught too. Used by the Vitest plugin's watchdog and the Jest preset's reaper.
 */
export async function sweepSession(runtime: Runtime, session: string, options: SweepSessionOptions = {}): Promise<void> {
  const { quietRounds = 3, everyMs = 1000, giveUpMs = 120_000, onRemoved, onError } = options
  const deadline = Date.now() + giveUpMs
  for (let quiet = 0; quiet < quietRounds && Date.now() < deadline; ) {
    let removed: string[] | undefined
    try {
      ;({ removed } = await runtime.sweep({ session }))
    } catch (error) {
      onError?.(error)
    }
    if (removed?.length) onRemoved?.(removed)
    quiet = removed && removed.length === 0 ? quiet + 1 : 0
    if (quiet < quietRounds) await sleep(everyMs)
  }
}
