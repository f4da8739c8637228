// The watchdog process (see _start-watchdog.ts): waits for its stdin to close. "release" first
// means the run ended cleanly; anything else means Vitest died, so it sweeps the session until
// nothing of it is left, including what orphaned workers were still starting.
import { setTimeout as sleep } from 'node:timers/promises'
import type { DokkimiContext } from './_context.js'

const context = JSON.parse(process.env.DOKKIMI_WATCHDOG ?? 'null') as DokkimiContext | null
if (!context) process.exit(2)
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {})

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk: string) => (input += chunk))
process.stdin.on('close', () => void finish())
process.stdin.on('end', () => void finish())

let finishing = false
async function finish(): Promise<void> {
  if (finishing) return
  finishing = true
  if (!input.includes('release')) await sweep(context!).catch(() => {})
  process.exit(0)
}

async function sweep(ctx: DokkimiContext): Promise<void> {
  // Loaded only now: a released watchdog exits without loading the engine.
  const { runtimeFactory } = await import('./_context.js')
  const runtime = await (await runtimeFactory(ctx)).create()
  try {
    // Three quiet sweeps in a row, a second apart, at most a minute.
    for (let round = 0, quiet = 0; quiet < 3 && round < 60; round++) {
      const { removed } = await runtime.sweep({ session: ctx.session })
      quiet = removed.length > 0 ? 0 : quiet + 1
      await sleep(1000)
    }
  } finally {
    await runtime.dispose()
  }
}
