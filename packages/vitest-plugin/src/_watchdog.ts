// The watchdog process (see _start-watchdog.ts): waits for its stdin to close. "release" first
// means the run ended cleanly; anything else means Vitest died, so it sweeps the session until
// nothing of it is left, including what orphaned workers were still starting.
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
  const [{ runtimeFactory }, { sweepSession }] = await Promise.all([import('./_context.js'), import('@dokkimi/core')])
  const runtime = await (await runtimeFactory(ctx)).create()
  try {
    await sweepSession(runtime, ctx.session)
  } finally {
    await runtime.dispose()
  }
}
