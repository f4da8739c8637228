// Vitest global setup: the Docker runtime runs the interceptor from its bundled program
// (packages/interceptor/dist/interceptor.mjs), and Jest loads @dokkimi/jest-preset and the
// packages it uses from dist. Build them once, before any test file runs, when they are missing
// or older than their sources, so tests never run stale code and no two files build at once.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from '../packages/jest-preset/test/_build.js'

const interceptor = fileURLToPath(new URL('../packages/interceptor/', import.meta.url))

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}

export default function setup(): void {
  ensureBuilt()
  const program = join(interceptor, 'dist/interceptor.mjs')
  const sources = Math.max(newestSource(join(interceptor, 'src')), statSync(join(interceptor, 'tsup.config.ts')).mtimeMs)
  if (existsSync(program) && statSync(program).mtimeMs >= sources) return
  execFileSync('pnpm', ['--filter', '@dokkimi/interceptor', 'run', 'build'], { cwd: interceptor, stdio: 'ignore' })
}
