// Issue 6: the Vitest example against real Docker. It passes as written; with a broken
// order-service (DOKKIMI_EXAMPLE_BUG=wrong-charge, in a copy) Vitest's own failure output carries
// the CLI report's content; and an interrupted run (SIGINT in watch mode, a worker killed
// mid-test) leaves nothing of its session behind.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFileSync, cpSync, existsSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { dockerTestsEnabled, testdir } from '@dokkimi/test-utils'

const example = fileURLToPath(new URL('..', import.meta.url))
const ecommerce = join(example, '../ecommerce')
const require = createRequire(import.meta.url)
const TSX = pathToFileURL(require.resolve('tsx')).href
const VITEST = join(example, 'node_modules/vitest/vitest.mjs')

// Holds its environment until the run is interrupted; the marker file says it is up.
const HELD = `import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineEnvironment, fromYaml } from '@dokkimi/core'
import { useEnvironment } from '@dokkimi/vitest-plugin'
import { expect, it } from 'vitest'

const env = useEnvironment(defineEnvironment({ name: 'held', baseDir: fileURLToPath(new URL('../../ecommerce/.dokkimi/', import.meta.url)), items: [fromYaml('shared/api-gateway.yaml')] }))

it('holds its environment', async () => {
  expect((await env.http.get('api-gateway/health')).status).toBe(200)
  writeFileSync(process.env.DOKKIMI_TEST_MARKER!, env.runId)
  if (process.env.DOKKIMI_TEST_CRASH) process.kill(process.pid, 'SIGKILL')
  await new Promise(() => {})
}, 600_000)
`

interface Run {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** Vitest in `cwd` as the example's test script runs it (TypeScript sources through tsx). */
function vitest(cwd: string, args: string[], env: Record<string, string>, options: { detached?: boolean } = {}): Run {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TINYPOOL|NODE_OPTIONS$)/.test(k)))
  const child = spawn(process.execPath, ['--import', TSX, '--conditions=@dokkimi/source', VITEST, ...args, '--configLoader', 'native'], {
    cwd,
    env: { ...base, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, output: () => out, exited }
}

/** Containers, networks and volumes still labelled with `session`. */
function leftovers(session: string): string[] {
  const filter = `label=dokkimi.session=${session}`
  const list = (args: string[], field: string) => execFileSync('docker', [...args, '--filter', filter, '--format', `{{.${field}}}`], { encoding: 'utf8' }).split('\n').filter(Boolean)
  return [...list(['ps', '-a'], 'Names'), ...list(['network', 'ls'], 'Name'), ...list(['volume', 'ls'], 'Name')]
}

async function gone(session: string, withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs
  let left = leftovers(session)
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(500)
    left = leftovers(session)
  }
  return left
}

const session = (what: string) => `vitest-example-${what}-${randomBytes(3).toString('hex')}`

/** A copy of the example next to a copy of the e-commerce .dokkimi folder, with the example's node_modules linked. */
function copy(options: { bug?: boolean; files?: Record<string, string> } = {}): string {
  const root = testdir(Object.fromEntries(Object.entries(options.files ?? {}).map(([k, v]) => [`vitest/${k}`, v])))
  for (const entry of ['package.json', 'vitest.config.ts', 'flows']) cpSync(join(example, entry), join(root, 'vitest', entry), { recursive: true })
  symlinkSync(join(example, 'node_modules'), join(root, 'vitest/node_modules'))
  cpSync(join(ecommerce, '.dokkimi'), join(root, 'ecommerce/.dokkimi'), { recursive: true })
  // The copy gets the fault; the example itself is never touched.
  if (options.bug) appendFileSync(join(root, 'ecommerce/.dokkimi/shared/order-service.yaml'), '  - name: DOKKIMI_EXAMPLE_BUG\n    value: wrong-charge\n')
  return join(root, 'vitest')
}

describe.runIf(await dockerTestsEnabled())('the Vitest example (Docker)', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(ecommerce, 'scripts/build-images.mjs')], { stdio: 'pipe' })
  }, 240_000)

  it('runs the checkout flows from YAML and from TypeScript, and cleans up', { timeout: 300_000 }, async () => {
    const id = session('pass')
    const run = vitest(example, ['run', '--reporter=verbose'], { DOKKIMI_SESSION: id })
    const code = await run.exited
    const out = run.output()
    expect(code, out).toBe(0)
    for (const line of [
      'flows/checkout-yaml.test.ts > checkout-happy-path > checkout-happy-path',
      'flows/checkout-yaml.test.ts > checkout-card-declined > checkout-card-declined',
      'flows/checkout.test.ts > checkout, happy path > creates an order for two widgets, 24.98 USD',
      'flows/checkout.test.ts > checkout, happy path > charges Stripe 2498 cents, buys a shipping label and notifies the buyer',
      'flows/checkout.test.ts > checkout, happy path > stores the order as paid and takes one widget out of stock',
      'flows/checkout.test.ts > checkout, card declined > creates an order',
      'flows/checkout.test.ts > checkout, card declined > refuses the payment: 402, no shipping label, no email',
      'flows/checkout.test.ts > checkout, card declined > marks the order payment_failed and keeps the stock',
    ]) {
      expect(out).toMatch(new RegExp(`✓ ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    }
    expect(out).toMatch(/Tests {2}8 passed \(8\)/)
    expect(leftovers(id)).toEqual([])
  })

  it('shows the CLI report of a broken build inside Vitest failures, YAML and TypeScript alike', { timeout: 300_000 }, async () => {
    const id = session('broken')
    const run = vitest(copy({ bug: true }), ['run'], { DOKKIMI_SESSION: id })
    const code = await run.exited
    const out = run.output()
    expect(code, out).toBe(1)
    // The YAML flow: the same lines broken-build.test.ts expects from `dokkimi run`.
    expect(out).toContain('FAIL  flows/checkout-yaml.test.ts > checkout-happy-path > checkout-happy-path')
    expect(out).toContain('✗ path $.match.request.body.amount (eq)')
    expect(out).toMatch(/expected: 2498\n\s+actual: {3}"2300"/)
    expect(out).toMatch(/payment-service → api\.stripe\.com\s+POST \/v1\/charges\s+200 .*\[mocked\]/)
    // The TypeScript flow: the matcher names the query and the closest call with what differs.
    expect(out).toContain('FAIL  flows/checkout.test.ts > checkout, happy path > charges Stripe 2498 cents, buys a shipping label and notifies the buyer')
    expect(out).toContain('expected a call matching origin payment-service, method POST, url api.stripe.com/v1/charges, body {"amount":2498,"currency":"usd"}, found none')
    expect(out).toMatch(/closest captured calls:\n\s+payment-service → api\.stripe\.com {2}POST \/v1\/charges {2}200 .*\[mocked\]\n\s+\$\$\.request\.body\.amount eq 2498, actual "2300"/)
    expect(out).toMatch(/Tests {2}2 failed \| 6 passed \(8\)/)
    expect(leftovers(id)).toEqual([])
  })

  for (const target of ['the runner', 'its process group'] as const) {
    it(`leaves nothing behind when ${target} gets SIGINT in watch mode while an environment is up`, { timeout: 240_000 }, async () => {
      const id = session('sigint')
      const dir = copy({ files: { 'flows/held.test.ts': HELD } })
      const marker = join(dir, 'env-up')
      const run = vitest(dir, ['--watch', 'flows/held.test.ts'], { DOKKIMI_SESSION: id, DOKKIMI_TEST_MARKER: marker }, { detached: true })
      for (let i = 0; i < 240 && !existsSync(marker) && run.child.exitCode === null; i++) await sleep(500)
      expect(existsSync(marker), run.output()).toBe(true)
      expect(leftovers(id).length).toBeGreaterThan(0)
      process.kill(target === 'the runner' ? run.child.pid! : -run.child.pid!, 'SIGINT')
      await run.exited
      expect(await gone(id, 90_000)).toEqual([])
    })
  }

  it('leaves nothing behind when a worker dies mid-test', { timeout: 240_000 }, async () => {
    const id = session('crash')
    const dir = copy({ files: { 'flows/held.test.ts': HELD } })
    const run = vitest(dir, ['run', 'flows/held.test.ts'], { DOKKIMI_SESSION: id, DOKKIMI_TEST_MARKER: join(dir, 'env-up'), DOKKIMI_TEST_CRASH: '1' })
    const code = await run.exited
    expect(code, run.output()).toBe(1)
    expect(existsSync(join(dir, 'env-up')), run.output()).toBe(true)
    expect(run.output()).toContain('Worker exited unexpectedly')
    // The global teardown swept the session before Vitest exited.
    expect(leftovers(id)).toEqual([])
  })
})
