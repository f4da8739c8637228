// Issue 5: the example suite run against a deliberately broken build of order-service (it
// charges a rounded amount, DOKKIMI_EXAMPLE_BUG=wrong-charge). The report must name the failing
// assertion, show expected vs actual and the Stripe call; the JUnit and JSON files must hold it.
import { execFileSync, spawnSync } from 'node:child_process'
import { appendFileSync, cpSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dockerTestsEnabled, testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'

const example = fileURLToPath(new URL('..', import.meta.url))
const repo = join(example, '..', '..')

describe.runIf(await dockerTestsEnabled())('the e-commerce example with a broken order-service (Docker)', () => {
  it('fails checkout-happy-path on the Stripe amount, with expected vs actual and the step traffic', { timeout: 240_000 }, () => {
    execFileSync(process.execPath, [join(example, 'scripts/build-images.mjs')], { stdio: 'pipe' })
    const dir = testdir({})
    cpSync(join(example, '.dokkimi'), join(dir, '.dokkimi'), { recursive: true })
    // The copy gets the fault; the example itself is never touched.
    appendFileSync(join(dir, '.dokkimi/shared/order-service.yaml'), '  - name: DOKKIMI_EXAMPLE_BUG\n    value: wrong-charge\n')
    const run = spawnSync(
      join(repo, 'node_modules/.bin/tsx'),
      ['--conditions=@dokkimi/source', join(repo, 'packages/cli/src/bin.ts'), 'run', 'checkout-happy-path', '--ci', '--json', 'out.json', '--junit', 'junit.xml'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 200_000 },
    )
    const out = run.stdout
    expect(run.status, `${out}\n${run.stderr}`).toBe(1)
    expect(out).toContain('✗ path $.match.request.body.amount (eq)')
    expect(out).toMatch(/expected: 2498\n\s+actual: {3}"2300"/)
    expect(out).toMatch(/payment-service → api\.stripe\.com\s+POST \/v1\/charges\s+200 .*\[mocked\]/)
    expect(out.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed')

    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { definitions: Array<{ status: string }> }
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
    expect(json.definitions.map((d) => d.status)).toEqual(['failed'])
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8')
    expect(junit).toMatch(/<testsuites[^>]* failures="1"/)
    expect(junit).toContain('$.match.request.body.amount')
  })
})
