// Issue 6: the Jest example end to end against Docker. The example passes; a broken build of
// order-service fails inside Jest with the CLI's diagnostics; and neither Ctrl-C in watch mode nor
// a worker killed mid-test leaves anything of the session behind.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { appendFileSync, cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { dockerTestsEnabled, testdir } from '@dokkimi/test-utils'
// Builds the preset's dist (and its workspace dependencies) when stale, one build at a time.
import { ensureBuilt } from '../../../packages/jest-preset/test/_build.js'

const example = fileURLToPath(new URL('..', import.meta.url))
const ecommerce = join(example, '..', 'ecommerce')
const jestBin = join(example, 'node_modules/jest/bin/jest.js')

function jestEnv(session: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOKKIMI_SESSION: session, NO_COLOR: '1', FORCE_COLOR: '0', ...extra }
  delete env.DOKKIMI_JEST_HANDOFF
  return env
}

function runJest(cwd: string, args: string[], session: string, extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--experimental-vm-modules', jestBin, ...args], { cwd, encoding: 'utf8', env: jestEnv(session, extra), timeout: 300_000 })
}

/** Containers, networks and volumes labelled with the session. */
function leftovers(session: string): string[] {
  const filter = ['--filter', `label=dokkimi.session=${session}`]
  return [
    ['ps', '-aq', ...filter],
    ['network', 'ls', '-q', ...filter],
    ['volume', 'ls', '-q', ...filter],
  ].flatMap((args) => execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean))
}

async function eventuallyNoLeftovers(session: string, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms
  let left = leftovers(session)
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(1000)
    left = leftovers(session)
  }
  return left
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

const session = (what: string) => `jest-e2e-${what}-${randomUUID().slice(0, 8)}`

/** A Jest project in a temp folder that resolves packages through the example's node_modules. */
function project(files: Record<string, string>): string {
  const dir = testdir({
    'package.json': '{ "type": "module" }\n',
    'jest.config.js': `export default { preset: '@dokkimi/jest-preset', testMatch: ['<rootDir>/*.test.js'], cacheDirectory: '<rootDir>/.jest-cache' }\n`,
    ...files,
  })
  symlinkSync(join(example, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

// One environment (the api-gateway alone); the test records where it runs, then holds or dies.
const HOLD_TEST = `import { writeFileSync } from 'node:fs'
import { it } from '@jest/globals'
import { defineEnvironment, fromYaml } from '@dokkimi/core'
import { useEnvironment } from '@dokkimi/jest-preset'

const env = useEnvironment(defineEnvironment({ name: 'held', baseDir: ${JSON.stringify(join(ecommerce, '.dokkimi/shared'))}, items: [fromYaml('api-gateway.yaml')] }))

it('holds an environment', async () => {
  const res = await env.http.get('api-gateway/health')
  writeFileSync('marker.json', JSON.stringify({ pid: process.pid, runId: env.runId, status: res.status }))
  if (process.env.CRASH === '1') process.kill(process.pid, 'SIGKILL')
  await new Promise((resolve) => setTimeout(resolve, 600_000))
})
`

describe('the Jest example flows', () => {
  beforeAll(ensureBuilt, 900_000)

  it('type-check against the published declarations, matchers included', { timeout: 120_000 }, () => {
    const run = spawnSync(process.execPath, [join(example, 'node_modules/typescript/bin/tsc'), '-p', join(example, 'tsconfig.json')], { encoding: 'utf8' })
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0)
  })
})

describe.runIf(await dockerTestsEnabled())('the Jest example (Docker)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(ecommerce, 'scripts/build-images.mjs')], { stdio: 'pipe' })
    ensureBuilt()
  }, 900_000)

  it('passes: the YAML definitions and the TypeScript flows, one line per test', { timeout: 300_000 }, () => {
    const id = session('pass')
    const run = runJest(example, ['--verbose'], id)
    const out = run.stderr
    expect(run.status, `${run.stdout}\n${out}`).toBe(0)
    expect(out).toMatch(/PASS flows\/checkout-yaml\.test\.ts/)
    expect(out).toMatch(/checkout-happy-path\n\s+✓ checkout-happy-path \(\d+ ms\)/)
    expect(out).toMatch(/checkout-card-declined\n\s+✓ checkout-card-declined \(\d+ ms\)/)
    expect(out).toMatch(/✓ charges Stripe once for 2498 cents, ships, emails and texts the buyer \(\d+ ms\)/)
    expect(out).toMatch(/✓ answers 402 and neither ships nor emails \(\d+ ms\)/)
    expect(out).toMatch(/Tests:\s+6 passed, 6 total/)
    expect(leftovers(id)).toEqual([])
  })

  it('fails on a broken order-service with the CLI report inside Jest output', { timeout: 300_000 }, () => {
    const dir = project({
      'broken.test.js': `import { describeDefinition } from '@dokkimi/jest-preset'\n\ndescribeDefinition('.dokkimi/ecommerce/definitions/checkout-happy-path.yaml')\n`,
    })
    cpSync(join(ecommerce, '.dokkimi'), join(dir, '.dokkimi'), { recursive: true })
    // The copy gets the fault; the example itself is never touched.
    appendFileSync(join(dir, '.dokkimi/shared/order-service.yaml'), '  - name: DOKKIMI_EXAMPLE_BUG\n    value: wrong-charge\n')
    const id = session('broken')
    const run = runJest(dir, [], id)
    const out = run.stderr
    expect(run.status, `${run.stdout}\n${out}`).toBe(1)
    expect(out).toContain('● checkout-happy-path › checkout-happy-path')
    // The strings examples/ecommerce/test/broken-build.test.ts expects from the CLI.
    expect(out).toContain('✗ path $.match.request.body.amount (eq)')
    expect(out).toMatch(/expected: 2498\n\s+actual: {3}"2300"/)
    expect(out).toMatch(/payment-service → api\.stripe\.com\s+POST \/v1\/charges\s+200 .*\[mocked\]/)
    expect(out).toMatch(/Tests:\s+1 failed, 1 total/)
    // The report, not a stack trace of the preset's internals.
    expect(out).not.toMatch(/\bat .*(jest-preset|@dokkimi)[/\\]/)
    expect(leftovers(id)).toEqual([])
  })

  it('leaves nothing when watch mode is interrupted (SIGINT) while an environment is up', { timeout: 300_000 }, async () => {
    const dir = project({ 'hold.test.js': HOLD_TEST })
    const id = session('sigint')
    const child = spawn(process.execPath, ['--experimental-vm-modules', jestBin, '--watchAll'], { cwd: dir, env: jestEnv(id), stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d))
    child.stderr.on('data', (d: Buffer) => (output += d))
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)))
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })
    const marker = join(dir, 'marker.json')
    const deadline = Date.now() + 180_000
    while (!existsSync(marker) && child.exitCode === null && Date.now() < deadline) await sleep(250)
    expect(existsSync(marker), output).toBe(true)
    const held = JSON.parse(readFileSync(marker, 'utf8')) as { pid: number; runId: string; status: number }
    // Jest's worker outlives a SIGINT sent to the runner alone (a terminal's Ctrl-C reaches both).
    if (held.pid !== child.pid) onTestFinished(() => killIfAlive(held.pid))
    expect(held.status).toBe(200)
    expect(leftovers(id).length).toBeGreaterThan(0)

    child.kill('SIGINT')
    expect(await exited).toBe('SIGINT')
    expect(await eventuallyNoLeftovers(id, 60_000)).toEqual([])
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `label=dokkimi.run=${held.runId}`], { encoding: 'utf8' }).trim()).toBe('')
  })

  it('leaves nothing when a worker dies mid-test (SIGKILL)', { timeout: 300_000 }, () => {
    const dir = project({ 'hold.test.js': HOLD_TEST, 'other.test.js': `import { expect, it } from '@jest/globals'\n\nit('passes', () => expect(1).toBe(1))\n` })
    const id = session('crash')
    const run = runJest(dir, ['--maxWorkers=2'], id, { CRASH: '1' })
    const out = run.stderr
    expect(run.status, `${run.stdout}\n${out}`).toBe(1)
    const held = JSON.parse(readFileSync(join(dir, 'marker.json'), 'utf8')) as { pid: number; runId: string; status: number }
    expect(held.status).toBe(200)
    expect(held.pid).not.toBe(run.pid)
    expect(out).toMatch(/terminated by another process: signal=SIGKILL/)
    // The global teardown swept the session before Jest exited: no waiting here.
    expect(leftovers(id)).toEqual([])
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `label=dokkimi.run=${held.runId}`], { encoding: 'utf8' }).trim()).toBe('')
  })
})
