import { execFileSync, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../../..', import.meta.url))
const tsx = `${repo}node_modules/.bin/tsx`
const bin = `${repo}packages/cli/src/bin.ts`

function dokkimi(args: string[], cwd: string) {
  const r = spawnSync(tsx, ['--conditions=@dokkimi/source', bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const valid = {
  '.dokkimi/config.yaml': 'dokkimi: 0.0.0\nenv:\n  TAG: v1\n',
  '.dokkimi/shared/api.yaml': 'type: SERVICE\nname: api\nimage: acme/api:${{TAG}}\nport: 3000\nhealthCheck: /health\n',
  '.dokkimi/definitions/smoke.yaml': [
    'name: smoke',
    'items:',
    '  - $ref: ../shared/api.yaml',
    'tests:',
    '  - name: health',
    '    steps:',
    '      - action: {type: httpRequest, method: GET, url: api/health}',
    '        assertions:',
    '          - assertions: [{path: $.response.status, operator: eq, value: 200}]',
    '',
  ].join('\n'),
}

describe('dokkimi validate (F-310)', () => {
  it('exits 0 and says all files are valid', () => {
    const root = testdir(valid)
    const r = dokkimi(['validate'], root)
    expect(r.stdout).toContain('Resolved 1 definition(s), 0 file(s) with errors')
    expect(r.stdout).toContain('All files valid.')
    expect(r.code).toBe(0)
  })

  it('exits 1 and prints a code frame for each error', () => {
    const root = testdir({ ...valid, '.dokkimi/definitions/bad.yaml': 'name: bad\nitems:\n  - $ref: ../shared/nope.yaml\n' })
    const r = dokkimi(['validate'], root)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('.dokkimi/definitions/bad.yaml:3:5  error $ref "../shared/nope.yaml" not found')
    expect(r.stdout).toContain('  > 3 |   - $ref: ../shared/nope.yaml')
    expect(r.stdout).toContain('1 error, 0 warnings.')
  })

  it('prints JSON with --json', () => {
    const root = testdir({ ...valid, '.dokkimi/definitions/bad.yaml': 'name: bad\nitems:\n  - {type: MOCK, name: m, mockTarget: x.com, mockPath: /, stage: 1}\n' })
    const r = dokkimi(['validate', '--json'], root)
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout)
    expect(out.valid).toBe(false)
    expect(out.definitions).toBe(2)
    expect(out.errors).toEqual([
      expect.objectContaining({ code: 'ITEM_STAGE_ON_MOCK', file: '.dokkimi/definitions/bad.yaml', line: 3, path: 'items[0].stage', severity: 'error' }),
    ])
  })

  it('validates a single file target and exits 0 with warnings only', () => {
    const root = testdir({ ...valid, '.dokkimi/definitions/warn.yaml': 'name: warn\nitems:\n  - $ref: ../shared/api.yaml\n    colour: blue\n' })
    const r = dokkimi(['validate', '.dokkimi/definitions/warn.yaml'], root)
    expect(r.stdout).toContain('No errors. 1 warning.')
    expect(r.stdout).toContain('unknown item property "colour"')
    expect(r.code).toBe(0)
  })

  it('warns when the project pins a newer dokkimi (F-007)', () => {
    const root = testdir({ ...valid, '.dokkimi/config.yaml': 'dokkimi: 99.0.0\nenv:\n  TAG: v1\n' })
    const r = dokkimi(['validate'], root)
    expect(r.stdout).toMatch(/\.dokkimi\/config\.yaml:1:1 {2}warn this project pins dokkimi 99\.0\.0, newer than the installed \d+\.\d+\.\d+/)
    expect(r.code).toBe(0)
  })

  it('exits 2 on usage errors', () => {
    const root = testdir(valid)
    expect(dokkimi(['validate', '--frobnicate'], root)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --frobnicate') })
    expect(dokkimi(['frobnicate'], root)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') })
  })

  it('reports a missing .dokkimi/ with a hint and exits 1', () => {
    const root = testdir({ 'readme.txt': 'nothing here' })
    const r = dokkimi(['validate'], root)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('.dokkimi/ not found')
    expect(r.stdout).toContain('dokkimi init')
  })

  it('prints the version and usage', () => {
    const root = testdir(valid)
    const version = execFileSync(tsx, ['--conditions=@dokkimi/source', bin, '--version'], { cwd: root, encoding: 'utf8' })
    expect(version.trim()).toMatch(/^v\d+\.\d+\.\d+/)
    expect(dokkimi(['--help'], root).stdout).toContain('validate')
  })
})
