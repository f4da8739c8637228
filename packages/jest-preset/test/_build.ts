// Jest loads the preset and the workspace packages it uses from dist: build them when a dist is
// missing or older than its sources, one build at a time across test files (a lock directory).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const PACKAGES = ['resolver', 'interceptor', 'core', 'runtime-docker', 'jest-preset']
const LOCK_STALE_MS = 15 * 60_000

function newest(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))))
}

function stale(): boolean {
  return PACKAGES.some((name) => {
    const dir = join(repo, 'packages', name)
    const dist = join(dir, 'dist/index.js')
    return !existsSync(dist) || Math.max(newest(join(dir, 'src')), newest(join(dir, 'tsup.config.ts'))) > statSync(dist).mtimeMs
  })
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Runs `pnpm --filter @dokkimi/jest-preset... run build` unless every dist is up to date. */
export function ensureBuilt(): void {
  const lock = join(repo, 'node_modules/.cache/dokkimi-jest-preset-build.lock')
  mkdirSync(join(lock, '..'), { recursive: true })
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
    if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true })
    else sleepSync(1000)
  }
  try {
    if (stale()) execFileSync('pnpm', ['--filter', '@dokkimi/jest-preset...', 'run', 'build'], { cwd: repo, stdio: 'pipe' })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
