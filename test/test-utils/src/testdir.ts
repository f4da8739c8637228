import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { onTestFinished } from 'vitest'

/**
 * Writes `files` (relative path → content) into a fresh temp directory and returns its path.
 * The directory is removed when the current test finishes.
 */
export function testdir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dokkimi-test-'))
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel)
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, content)
  }
  onTestFinished(() => rmSync(root, { recursive: true, force: true }))
  return root
}
