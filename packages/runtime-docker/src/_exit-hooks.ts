// Teardown on SIGINT/SIGTERM and uncaught errors: handlers are installed once per process while at
// least one environment runs; they stop every running environment, then let the signal (or the
// error) take its normal course.
const running = new Set<() => Promise<void>>()
const SIGNALS = ['SIGINT', 'SIGTERM'] as const
let installed = false

async function stopAll(): Promise<void> {
  await Promise.allSettled([...running].map((stop) => stop()))
}

function onSignal(signal: NodeJS.Signals): void {
  void stopAll().finally(() => {
    uninstall()
    // Re-raise only when nobody else handles it: their handler already ran for this signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  })
}

function onException(error: Error): void {
  void stopAll().finally(() => {
    uninstall()
    if (process.listenerCount('uncaughtException') === 0) {
      process.nextTick(() => {
        throw error
      })
    }
  })
}

function install(): void {
  if (installed) return
  installed = true
  for (const signal of SIGNALS) process.once(signal, onSignal)
  process.once('uncaughtException', onException)
}

function uninstall(): void {
  if (!installed) return
  installed = false
  for (const signal of SIGNALS) process.removeListener(signal, onSignal)
  process.removeListener('uncaughtException', onException)
}

/** Tracks a running environment's stop function; returns the function that untracks it. */
export function trackEnvironment(stop: () => Promise<void>): () => void {
  running.add(stop)
  install()
  return () => {
    running.delete(stop)
    if (running.size === 0) uninstall()
  }
}
