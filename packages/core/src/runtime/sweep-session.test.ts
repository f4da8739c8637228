import { describe, expect, it } from 'vitest'
import type { Runtime, SweepOptions, SweepResult } from './runtime.js'
import { sweepSession } from './sweep-session.js'

/** A runtime whose sweeps answer from a script: run ids removed, or an error. */
function scripted(answers: Array<string[] | Error>): Runtime & { calls: SweepOptions[] } {
  const calls: SweepOptions[] = []
  return {
    name: 'scripted',
    flags: {} as Runtime['flags'],
    calls,
    start: () => Promise.reject(new Error('not used')),
    dispose: () => Promise.resolve(),
    sweep(options?: SweepOptions): Promise<SweepResult> {
      calls.push(options ?? {})
      const next = answers.shift() ?? []
      return next instanceof Error ? Promise.reject(next) : Promise.resolve({ removed: next })
    },
  }
}

describe('sweepSession', () => {
  it('sweeps the session until three sweeps in a row remove nothing, reporting what each removed', async () => {
    const runtime = scripted([['run-1'], [], ['run-2'], [], [], []])
    const removed: string[][] = []
    await sweepSession(runtime, 's-1', { everyMs: 1, onRemoved: (ids) => removed.push(ids) })
    expect(runtime.calls).toHaveLength(6)
    expect(runtime.calls.every((c) => c.session === 's-1')).toBe(true)
    expect(removed).toEqual([['run-1'], ['run-2']])
  })

  it('counts a failed sweep as not quiet and goes on', async () => {
    const runtime = scripted([[], new Error('engine down'), [], [], []])
    const errors: unknown[] = []
    await sweepSession(runtime, 's-2', { everyMs: 1, onError: (e) => errors.push(e) })
    expect(errors).toHaveLength(1)
    expect(runtime.calls).toHaveLength(5)
  })

  it('gives up after giveUpMs even if sweeps keep removing something', async () => {
    const runtime = scripted(Array.from({ length: 1000 }, (_, i) => [`run-${i}`]))
    await sweepSession(runtime, 's-3', { everyMs: 5, giveUpMs: 50 })
    expect(runtime.calls.length).toBeGreaterThan(1)
    expect(runtime.calls.length).toBeLessThan(1000)
  })
})
