// Flag normalisation, the runtime name map, run storage and the live block's line fitting.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { EnvironmentError, UsageError } from '../src/_errors.js'
import { defaultMaxParallel, resolveRunFlags } from '../src/_flags.js'
import { toReport } from '../src/_report-json.js'
import { loadRuntime, RUNTIMES } from '../src/_runtime.js'
import { findProjectRoot, KEEP_RUNS, listRuns, readRun, saveRun } from '../src/_runs.js'
import { fitLine } from '../src/_terminal.js'
import { checkoutRuntime } from './_cli.js'

describe('run flags', () => {
  it('default parallelism: what the machine holds (1 GiB of free memory or one CPU each), at least 2, at most the definitions', () => {
    const GiB = 2 ** 30
    expect(defaultMaxParallel(10, { freeMemory: 0.5 * GiB, cpus: 1 })).toBe(2)
    expect(defaultMaxParallel(10, { freeMemory: 6.9 * GiB, cpus: 4 })).toBe(6)
    expect(defaultMaxParallel(10, { freeMemory: 2 * GiB, cpus: 8 })).toBe(8)
    expect(defaultMaxParallel(3, { freeMemory: 64 * GiB, cpus: 16 })).toBe(3)
    expect(defaultMaxParallel(1, { freeMemory: 0, cpus: 1 })).toBe(1)
  })

  it('are checked and folded with CI; live output only in a TTY outside CI', () => {
    expect(resolveRunFlags({ 'max-parallel': '3', timeout: '90', junit: 'j.xml' }, true, {})).toMatchObject({ maxParallel: 3, timeoutSeconds: 90, junit: 'j.xml', runtime: 'docker', ci: false, live: true, keepOnFailure: false })
    expect(resolveRunFlags({}, true, { CI: 'true' })).toMatchObject({ ci: true, live: false })
    expect(resolveRunFlags({ ci: true }, true, {}).live).toBe(false)
    expect(resolveRunFlags({}, false, {}).live).toBe(false)
    expect(() => resolveRunFlags({ 'max-parallel': '1.5' }, false, {})).toThrow(new UsageError('--max-parallel must be a positive integer, got "1.5"'))
    expect(() => resolveRunFlags({ json: '' }, false, {})).toThrow(new UsageError('--json needs a file path, e.g. --json reports/dokkimi.json'))
  })
})

describe('runtime map (STYLE.md rule 10)', () => {
  it('maps names to packages; kubernetes is not available yet; unknown names are usage errors', async () => {
    expect(RUNTIMES.docker).toEqual({ package: '@dokkimi/runtime-docker', factory: 'docker' })
    await expect(loadRuntime('kubernetes', {}, '.')).rejects.toThrow(EnvironmentError)
    await expect(loadRuntime('lxc', {}, '.')).rejects.toThrow(new UsageError('unknown runtime "lxc": use docker or kubernetes, or a module path such as ./my-runtime.js'))
  })

  it('loads a module path whose default export is a factory', async () => {
    const factory = await loadRuntime(checkoutRuntime, {}, '/')
    expect(factory.name).toBe('memory')
    await expect(loadRuntime('./nope.js', {}, '/')).rejects.toThrow(/^runtime module \.\/nope\.js could not be loaded/)
  })
})

describe('run storage', () => {
  it('keeps the last 10 runs under .dokkimi/.runs, git-ignored, newest first', () => {
    const root = join(testdir({ '.dokkimi/config.yaml': 'env: {}\n' }), '.dokkimi')
    const files: string[] = []
    for (let i = 0; i < 12; i++) files.push(saveRun(root, toReport([], { dokkimi: '0.0.0', root, targets: [], runtime: 'memory', startedAt: Date.UTC(2026, 0, 1, 0, 0, i), durationMs: i })))
    expect(files[0]!.endsWith('.runs/20260101-000000-000.json')).toBe(true)
    expect(readdirSync(join(root, '.runs')).sort()).toHaveLength(KEEP_RUNS + 1)
    expect(readFileSync(join(root, '.runs/.gitignore'), 'utf8')).toBe('*\n')
    expect(readRun(listRuns(root)[0]!).durationMs).toBe(11)
    expect(findProjectRoot(join(root, '..'))).toBe(root)
  })
})

describe('live block', () => {
  it('fits lines to the terminal width without cutting colour sequences', () => {
    expect(fitLine('abcdef', 10)).toBe('abcdef')
    expect(fitLine('abcdefghijkl', 6)).toBe('abcde…\u001b[0m')
    expect(fitLine('\u001b[32mabcdefgh\u001b[39m', 4)).toBe('\u001b[32mabc…\u001b[0m')
  })
})
