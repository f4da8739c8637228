// describeDefinition() inside a real Vitest run, on the memory runtime (no Docker): one test per
// test of the definition, the failure report as the error, skipped after a fatal failure, and the
// resolver's issues for a bad file.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { failure, statuses } from './_report.js'
import { runVitest } from './_run-vitest.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

describe('describeDefinition()', () => {
  it('runs each test of a definition as a Vitest test, and reports bad files as failing tests', { timeout: 120_000 }, async () => {
    const out = join(testdir({}), 'report.json')
    const run = await runVitest(['run', 'definition.flow.ts', '--reporter=json', '--reporter=default', `--outputFile.json=${out}`], { cwd: fixtures })
    expect(run.status, run.stdout + run.stderr).toBe(1)
    expect(statuses(out)).toEqual({
      'echo answers on /echo': 'passed',
      'echo fails on purpose': 'failed',
      'echo never runs': 'skipped',
      'defs/broken.yaml': 'failed',
      'defs/missing.yaml': 'failed',
    })
    expect(run.stdout).toMatch(/↓ never runs \d+ms \[a previous step failed before reaching this test\]/)
    expect(failure(out, 'echo fails on purpose')).toMatchInlineSnapshot(`
      "DokkimiError: ✗ echo › fails on purpose › GET echo/echo/two
        at defs/echo.yaml
        ✗ path $.response.status (eq)
            expected: 201
            actual:   200
        traffic of this step:
          test → echo  GET /echo/two  200  N ms"
    `)
    expect(failure(out, 'defs/broken.yaml')).toMatchInlineSnapshot(`
      "DokkimiError: defs/broken.yaml:6:5  error "port" must be an integer 1–65535, got "not-a-port"  PORT_INVALID V-060
        at items[0].port
          4 |     name: echo
          5 |     image: 'echo:test'
        > 6 |     port: not-a-port
            |     ^

      defs/broken.yaml:3:5  error SERVICE needs a string "healthCheck", it is missing  SERVICE_HEALTHCHECK_MISSING V-058
        at items[0].healthCheck
          1 | name: broken
          2 | items:
        > 3 |   - type: SERVICE
            |     ^
        hint: Use an HTTP path such as "/health", or "tcp"."
    `)
    expect(failure(out, 'defs/missing.yaml')).toMatch(/^DokkimiError: defs\/missing\.yaml {2}error file not found: .*defs\/missing\.yaml {2}TARGET_NOT_FOUND V-008$/)
  })

  it('tells the user to add the plugin when it is missing', { timeout: 120_000 }, async () => {
    const run = await runVitest(['run', '--config', 'no-plugin.config.ts'], { cwd: fixtures })
    expect(run.status).toBe(1)
    expect(run.stdout + run.stderr).toContain('[dokkimi] [vitest] describeDefinition() needs the dokkimi() plugin, which is not in this Vitest config. Add it: plugins: [dokkimi()] in vitest.config.ts')
  })
})
