// A forks-pool worker whose Vitest process is gone (killed, interrupted) keeps running until it
// next talks to it; on 'disconnect' it cancels boots in progress and stops its environments.
const running = new Set<{ abort: AbortController; stop: () => Promise<unknown> }>()
let installed = false

function onDisconnect(): void {
  for (const entry of running) entry.abort.abort(new Error('the Vitest process exited'))
  void Promise.allSettled([...running].map((entry) => entry.stop()))
}

/** Tracks one environment of this worker; `stop` runs when the Vitest process disappears. Returns the untrack function. */
export function trackEnvironment(abort: AbortController, stop: () => Promise<unknown>): () => void {
  const entry = { abort, stop }
  running.add(entry)
  if (!installed && typeof process.send === 'function') {
    installed = true
    process.on('disconnect', onDisconnect)
  }
  return () => {
    running.delete(entry)
    if (running.size === 0 && installed) {
      installed = false
      process.off('disconnect', onDisconnect)
    }
  }
}
