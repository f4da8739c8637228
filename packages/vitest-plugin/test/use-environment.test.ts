// useEnvironment() and the matchers inside a real Vitest run, on the memory runtime (no Docker).
// The fixture's own expectations pin the handle's errors, per-test step windows, matcher
// failures with the closest calls, and one environment per test with scope 'test'.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { statuses } from './_report.js'
import { runVitest } from './_run-vitest.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

describe('useEnvironment()', () => {
  it('gives tests a running environment, step windows per test and the Dokkimi matchers', { timeout: 120_000 }, async () => {
    const out = join(testdir({}), 'report.json')
    const run = await runVitest(['run', 'environment.flow.ts', '--reporter=json', '--reporter=default', `--outputFile.json=${out}`], { cwd: fixtures })
    expect(run.status, run.stdout + run.stderr).toBe(0)
    expect(statuses(out)).toEqual({
      'file scope refuses the handle while tests are collected': 'passed',
      'file scope calls the echo service': 'passed',
      'file scope sees only the traffic of its own test': 'passed',
      'file scope fails a matcher with the closest calls': 'passed',
      'test scope gets an environment': 'passed',
      'test scope gets another one': 'passed',
    })
  })
})
