// The commands end to end, spawned like a user runs them. `run` goes through the in-process
// checkout runtime (`--runtime <module>`, the escape hatch of STYLE.md rule 10) so no Docker is needed.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dockerTestsEnabled, testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { checkoutRuntime, dockerRuntimeModule, dokkimi } from './_cli.js'
import { definitions } from './_checkout.js'
import { parseXml } from './_xml.js'

const project = (files: Record<string, string> = definitions) => testdir(Object.fromEntries(Object.entries(files).map(([name, text]) => [`.dokkimi/${name}`, text])))
// As Node resolves it from the CLI (vitest's own resolver finds workspace packages the CLI cannot).
const dockerRuntimeInstalled = (() => {
  for (let dir = fileURLToPath(new URL('..', import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules/@dokkimi/runtime-docker/package.json'))) return true
    if (dirname(dir) === dir) return false
  }
})()

describe('dokkimi run: usage and input', () => {
  it('invalid definitions: prints the issues like validate, exits 2, starts nothing (not even the runtime)', () => {
    const root = project({ ...definitions, 'bad.yaml': 'name: bad\nitems:\n  - $ref: ./nope.yaml\n' })
    const r = dokkimi(['run', '--runtime', 'kubernetes'], root)
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('.dokkimi/bad.yaml:3:5  error $ref "./nope.yaml" not found')
    expect(r.stdout).toContain('Resolved 4 definition(s), 1 file(s) with errors')
    expect(r.stdout).toContain('Nothing was started: fix the errors above, then run again.')
    expect(existsSync(join(root, '.dokkimi/.runs'))).toBe(false)
  })

  it('unknown flags and bad values exit 2', () => {
    const root = project()
    expect(dokkimi(['run', '--frobnicate'], root)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --frobnicate') })
    expect(dokkimi(['run', '--max-parallel', '0'], root)).toMatchObject({ code: 2, stderr: expect.stringContaining('--max-parallel must be a positive integer, got "0"') })
    expect(dokkimi(['run', '--timeout=soon'], root)).toMatchObject({ code: 2, stderr: expect.stringContaining('--timeout must be a positive integer, got "soon"') })
    expect(dokkimi(['run', '--runtime', 'podman'], root)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown runtime "podman": use docker or kubernetes, or a module path') })
  })

  it('a pattern matching nothing exits 2', () => {
    const r = dokkimi(['run', 'no-such-definition', '--runtime', checkoutRuntime], project())
    expect(r).toMatchObject({ code: 2, stdout: expect.stringContaining('No runnable definitions match "no-such-definition".') })
  })

  it('--runtime kubernetes exits 3: not available yet', () => {
    const r = dokkimi(['run', '--runtime', 'kubernetes'], project())
    expect(r.code).toBe(3)
    expect(r.stderr).toMatchInlineSnapshot(`
      "dokkimi: the kubernetes runtime is not available yet (@dokkimi/runtime-k8s has not shipped). Use the docker runtime.
      "
    `)
  })

  it.runIf(!dockerRuntimeInstalled)('--runtime docker without @dokkimi/runtime-docker exits 3 and says what to install', () => {
    const r = dokkimi(['run'], project())
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('dokkimi: the docker runtime needs @dokkimi/runtime-docker, which is not installed. Install it next to @dokkimi/cli: npm install -D @dokkimi/runtime-docker')
  })
})

describe('dokkimi run on the checkout runtime', () => {
  it('runs, reports failures, writes JUnit and JSON, keeps the run for dump, exits 1', () => {
    const root = project()
    const r = dokkimi(['run', '--runtime', checkoutRuntime, '--junit', 'reports/junit.xml', '--json', 'reports/run.json', '--max-parallel', '2'], root)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    const out = r.stdout
    expect(out).toContain('Running 3 definitions on memory, 2 at a time')
    expect(out).toContain('[checkout-happy-path] ✓ Place order › Create order (')
    expect(out).toContain('[checkout-wrong-total] ✗ failed: 1 failed, 1 skipped (')
    expect(out).toContain('✗ checkout-wrong-total › Place order › Create order\n  at .dokkimi/checkout-wrong-total.yaml\n  ✗ path $.response.body.total (eq)\n      expected: 2498\n      actual:   2499')
    expect(out).toContain('payment-service → api.stripe.com  POST /v1/charges  200')
    expect(out).toContain('Wrote reports/junit.xml, reports/run.json')
    expect(out.trimEnd().split('\n').at(-1)).toBe('1 passed, 2 failed')

    const junit = parseXml(readFileSync(join(root, 'reports/junit.xml'), 'utf8'))
    expect(junit.attributes).toMatchObject({ tests: '4', failures: '2', errors: '0' })
    const report = JSON.parse(readFileSync(join(root, 'reports/run.json'), 'utf8'))
    expect(report).toMatchObject({ version: 1, status: 'failed', runtime: 'memory', summary: { passed: 1, failed: 2, errored: 0 } })
    expect(report.definitions.map((d: { name: string }) => d.name)).toEqual(['checkout-happy-path', 'checkout-refund', 'checkout-wrong-total'])

    const runs = readdirSync(join(root, '.dokkimi/.runs'))
    expect(runs.filter((f) => f.endsWith('.json'))).toHaveLength(1)
    expect(readFileSync(join(root, '.dokkimi/.runs/.gitignore'), 'utf8')).toBe('*\n')

    // dump: the last run, whole or only what failed, to stdout or a file.
    const all = dokkimi(['dump'], root)
    expect(all.code).toBe(0)
    expect(JSON.parse(all.stdout)).toStrictEqual(report)
    const failed = dokkimi(['dump', '--failed', '-o', 'failed.json'], root)
    expect(failed).toMatchObject({ code: 0, stderr: expect.stringContaining('Wrote 2 definition(s) of the run of') })
    const dumped = JSON.parse(readFileSync(join(root, 'failed.json'), 'utf8'))
    expect(dumped.definitions.map((d: { name: string }) => d.name)).toEqual(['checkout-refund', 'checkout-wrong-total'])
    expect(dumped.definitions[1].tests[0].steps[0].traffic.length).toBe(3)
    expect(dumped.definitions[1].tests[0].steps[0].consoleLogs.map((c: { level: string }) => c.level)).toEqual(['WARN', 'INFO'])
  })

  it('exits 0 when everything passed, in CI mode with a name pattern', () => {
    const r = dokkimi(['run', 'happy', '--ci', '--runtime', checkoutRuntime, '--timeout', '60'], project())
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('[checkout-happy-path] ✓ passed: 1 test passed (')
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed')
  })

  it('exits 3 when an environment could not start', () => {
    const root = project({ 'broken.yaml': definitions['checkout-happy-path.yaml'].replace('name: checkout-happy-path', 'name: broken').replace("'orders:test'", "'orders:missing'") })
    const r = dokkimi(['run', '--runtime', checkoutRuntime], root)
    expect(r.code).toBe(3)
    expect(r.stdout).toContain('! broken — the environment could not start')
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 0 failed, 1 errored')
  })

  it('--keep-on-failure says how to reach the environment and how to clean it', () => {
    const r = dokkimi(['run', 'wrong-total', '--keep-on-failure', '--runtime', checkoutRuntime], project())
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/Kept the environment of checkout-wrong-total \(run [\w-]+\) running:\n {2}ingress {3}http:\/\/[\d.]+:\d+ {2}HTTP proxy into the environment, e\.g\. curl -x http:\/\/[\d.]+:\d+ http:\/\/order-service:3000\/\n {2}control {3}http:\/\/[\d.]+:\d+ {2}captured traffic: http:\/\/[\d.]+:\d+\/records\nRemove it with `dokkimi clean` once you are done\./)
  })
})

describe('dokkimi init, dump, clean', () => {
  it('init scaffolds an example that validates, and refuses to overwrite', () => {
    const root = testdir({ 'readme.txt': 'a project' })
    const init = dokkimi(['init'], root)
    expect(init.code).toBe(0)
    expect(init.stdout).toContain('Created .dokkimi/:\n  config.yaml\n  shared/postgres.yaml\n  shared/payments-api.yaml\n  init-files/init.sql\n  definitions/example.yaml')
    const validate = dokkimi(['validate'], root)
    expect(validate.stdout).toContain('Resolved 1 definition(s), 0 file(s) with errors\nAll files valid.')
    expect(validate.code).toBe(0)
    const again = dokkimi(['init'], root)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('dokkimi init writes nothing: .dokkimi/config.yaml, .dokkimi/shared/postgres.yaml')
  })

  it('dump without runs says so', () => {
    const r = dokkimi(['dump'], project())
    expect(r).toMatchObject({ code: 1, stdout: '' })
    expect(r.stderr).toContain('No runs yet in .dokkimi/.runs: `dokkimi run` keeps its last 10 runs there.')
    expect(dokkimi(['dump'], testdir({ 'x.txt': '' })).stderr).toContain('No .dokkimi/ folder at')
  })

  it('clean sweeps through the runtime and says what it removed', () => {
    const r = dokkimi(['clean', '--runtime', checkoutRuntime], project())
    expect(r).toMatchObject({ code: 0, stdout: 'Nothing to clean: no leftover memory environments.\n' })
  })

  it('doctor checks Node.js, the runtime and CA trust', () => {
    const r = dokkimi(['doctor', '--runtime', checkoutRuntime], project())
    expect(r.stdout).toMatch(/^dokkimi \d+\.\d+\.\d+\n✓ Node\.js \d+\.\d+\.\d+\n✓ runtime memory\n✓ engine: the memory runtime has no engine to reach\n✓ CA trust: Node accepts a fresh environment CA \(ECDSA, valid until \d{4}-\d\d-\d\d\)\n\nAll checks passed\.\n$/)
    expect(r.code).toBe(0)
  })
})

// One tiny definition pair end to end on Docker: a SERVICE that is only `node -e <server>` on the
// Node image (mapped through DOKKIMI_IMAGES or the local-images map where one exists).
describe.runIf(dockerTestsEnabled())('dokkimi on Docker', () => {
  const runtime = dockerRuntimeInstalled ? 'docker' : dockerRuntimeModule
  const localMap = join(homedir(), '.cache/dokkimi/local-images.json')
  const env: Record<string, string> = process.env.DOKKIMI_IMAGES === undefined && existsSync(localMap) ? { DOKKIMI_IMAGES: localMap } : {}
  const hello = (name: string, greeting: string) => `name: ${name}
items:
  - type: SERVICE
    name: hello-service
    image: node:20
    port: 3000
    healthCheck: /health
    command:
      - node
      - -e
      - |
        require('node:http').createServer((req, res) => {
          if (req.url === '/health') return res.end('ok')
          res.setHeader('content-type', 'application/json')
          res.end(JSON.stringify({ greeting: 'hello' }))
        }).listen(3000)
tests:
  - name: Greets
    steps:
      - name: Say hello
        action: { type: httpRequest, method: GET, url: hello-service/hello }
        assertions:
          - assertions:
              - { path: $.response.status, operator: eq, value: 200 }
              - { path: $.response.body.greeting, operator: eq, value: ${greeting} }
`

  it('runs a passing and a failing definition, reports, and leaves nothing behind', { timeout: 180_000 }, () => {
    const root = project({ 'hello.yaml': hello('hello', 'hello'), 'bonjour.yaml': hello('bonjour', 'bonjour') })
    const r = dokkimi(['run', '--runtime', runtime, '--json', 'run.json'], root, env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('Running 2 definitions on docker, 2 at a time')
    expect(r.stdout).toContain('✗ bonjour › Greets › Say hello\n  at .dokkimi/bonjour.yaml\n  ✗ path $.response.body.greeting (eq)\n      expected: "bonjour"\n      actual:   "hello"')
    expect(r.stdout).toMatch(/test → hello-service {2}GET \/hello {2}200 {2}\d+ ms/)
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed')
    const report = JSON.parse(readFileSync(join(root, 'run.json'), 'utf8'))
    for (const d of report.definitions as Array<{ runId: string }>) {
      const left = spawnSync('docker', ['ps', '-aq', '--filter', `label=dokkimi.run=${d.runId}`], { encoding: 'utf8' })
      expect(left.stdout.trim()).toBe('')
    }
  })

  it('clean sweeps Docker environments and says what it removed', () => {
    const r = dokkimi(['clean', '--runtime', runtime], project(), env)
    expect(r.stderr).toBe('')
    expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^(Nothing to clean: no leftover docker environments\.|Removed \d+ environments?:)/) })
  })
})
