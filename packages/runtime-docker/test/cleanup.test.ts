// Parallel environments, and nothing left behind: not after stop(), not after SIGTERM or an
// uncaught error (teardown hooks), not after SIGKILL (sweep).
import { fork } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEnvironment, runSteps } from '@dokkimi/core'
import { dockerTestsEnabled, testdir } from '@dokkimi/test-utils'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { docker, type DockerRuntime } from '../src/index.js'
import { definition, echoImage, FIXTURES, leftovers, testImageMap } from './_helpers.js'

const enabled = dockerTestsEnabled()
const image = enabled ? await echoImage() : ''
const REPO = join(FIXTURES, '..', '..', '..', '..')

const yaml = `
name: twins
config: { timeoutSeconds: 60 }
items:
  - { type: SERVICE, name: svc-a, image: '${image}', port: 8080, healthCheck: /health }
  - { type: SERVICE, name: svc-b, image: '${image}', port: 8080, healthCheck: /health }
  - { type: MOCK, name: vendor, mockTarget: api.vendor.test, mockPath: /v1/*, mockMethod: GET, mockResponseStatus: 200, mockResponseBody: { ok: true } }
`

const tempDirsOf = (runId: string) => readdirSync(tmpdir()).filter((d) => d.startsWith(`dokkimi-${runId}-`))

/** Starts an environment in a child process; resolves once it is ready. */
function startChild(mode: 'wait' | 'throw' = 'wait') {
  const dir = testdir({ 'dokkimi.yaml': yaml })
  const child = fork(join(FIXTURES, 'start-environment.ts'), [join(dir, 'dokkimi.yaml'), mode], {
    cwd: REPO,
    execArgv: ['--import', 'tsx', '--conditions=@dokkimi/source'],
    env: { ...process.env, TEST_IMAGE_MAP: JSON.stringify(testImageMap()) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const ready = new Promise<string>((resolve, reject) => {
    child.once('message', (m: { runId: string }) => resolve(m.runId))
    void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before it was ready:\n${stderr}`)))
  })
  return { child, ready, exited, stderr: () => stderr }
}

describe.runIf(enabled)('docker runtime: parallel environments and cleanup', () => {
  let runtime: DockerRuntime | undefined
  const live = async () => (runtime ??= (await docker({ images: testImageMap() }).create()) as DockerRuntime)
  afterAll(async () => {
    await runtime?.dispose()
  })
  afterEach(async () => {
    expect(await leftovers()).toEqual([])
  })

  it('runs two environments of the same definition side by side without collisions', { timeout: 120_000 }, async () => {
    const def = definition({ 'dokkimi.yaml': yaml })
    const [one, two] = await Promise.all([createEnvironment(def, { runtime: await live() }), createEnvironment(def, { runtime: await live() })])
    try {
      expect(one.runId).not.toBe(two.runId)
      expect(one.runtimeEnvironment.controlUrl).not.toBe(two.runtimeEnvironment.controlUrl)
      const steps = (tag: string) => [
        { name: 'a calls b', action: { type: 'httpRequest', method: 'POST', url: 'svc-a/call', body: { url: `http://svc-b:8080/echo/${tag}` } } },
        { name: 'b calls the mock', action: { type: 'httpRequest', method: 'POST', url: 'svc-b/call', body: { url: `https://api.vendor.test/v1/${tag}` } } },
      ]
      const [r1, r2] = await Promise.all([runSteps(one, steps('one') as never, {}), runSteps(two, steps('two') as never, {})])
      for (const [r, tag] of [
        [r1, 'one'],
        [r2, 'two'],
      ] as const) {
        expect(r.steps.map((s) => s.status)).toEqual(['passed', 'passed'])
        expect(r.steps[0]!.traffic.map((t) => `${t.origin}→${t.to} ${t.request.url}`)).toEqual([`test→svc-a http://svc-a/call`, `svc-a→svc-b http://svc-b/echo/${tag}`])
        expect(r.steps[1]!.traffic.map((t) => `${t.origin}→${t.to} ${t.outcome}`)).toEqual(['test→svc-b proxied', 'svc-b→api.vendor.test mocked'])
      }
      expect(await leftovers(`dokkimi.run=${one.runId}`)).toHaveLength(4) // interceptor, svc-a, svc-b, network
      expect(await leftovers(`dokkimi.run=${two.runId}`)).toHaveLength(4)
    } finally {
      await Promise.all([one.stop(), two.stop()])
    }
    expect([...tempDirsOf(one.runId), ...tempDirsOf(two.runId)]).toEqual([])
  })

  it('sweeps what a run killed with SIGKILL left behind', { timeout: 120_000 }, async () => {
    const { child, ready, exited } = startChild()
    const runId = await ready
    const left = await leftovers(`dokkimi.run=${runId}`)
    expect(left.filter((l) => l.startsWith('container'))).toHaveLength(3)
    expect(left.filter((l) => l.startsWith('network'))).toHaveLength(1)
    expect(tempDirsOf(runId)).toHaveLength(1)
    child.kill('SIGKILL')
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' })
    // Nobody tore it down. (Another process's start() may sweep it first: every start sweeps.)
    const before = await leftovers(`dokkimi.run=${runId}`)
    const { removed } = await (await live()).sweep()
    if (before.length > 0) expect(removed).toContain(runId)
    expect(await leftovers(`dokkimi.run=${runId}`)).toEqual([])
    expect(tempDirsOf(runId)).toEqual([])
  })

  it('tears down on SIGTERM, then dies of the signal', { timeout: 120_000 }, async () => {
    const { child, ready, exited } = startChild()
    const runId = await ready
    expect(await leftovers(`dokkimi.run=${runId}`)).toHaveLength(4)
    child.kill('SIGTERM')
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' })
    expect(await leftovers(`dokkimi.run=${runId}`)).toEqual([])
    expect(tempDirsOf(runId)).toEqual([])
  })

  it('tears down on an uncaught error, then lets it crash the process', { timeout: 120_000 }, async () => {
    const { ready, exited, stderr } = startChild('throw')
    const runId = await ready
    expect(await exited).toEqual({ code: 1, signal: null })
    expect(stderr()).toContain('boom (uncaught, on purpose)')
    expect(await leftovers(`dokkimi.run=${runId}`)).toEqual([])
    expect(existsSync(join(tmpdir(), `dokkimi-${runId}`))).toBe(false)
    expect(tempDirsOf(runId)).toEqual([])
  })
})
