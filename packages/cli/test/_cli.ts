import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../..', import.meta.url))
const tsx = `${repo}node_modules/.bin/tsx`
const bin = `${repo}packages/cli/src/bin.ts`

/** The in-process checkout runtime (memory runtime) as a `--runtime` module path. */
export const checkoutRuntime = fileURLToPath(new URL('./_checkout.ts', import.meta.url))

/** The Docker runtime from the workspace source, while the CLI does not depend on @dokkimi/runtime-docker yet. */
export const dockerRuntimeModule = fileURLToPath(new URL('./_docker-runtime.ts', import.meta.url))

/** Runs the CLI from source in `cwd`, without colours and outside CI mode. */
export function dokkimi(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(tsx, ['--conditions=@dokkimi/source', bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '', ...env }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
