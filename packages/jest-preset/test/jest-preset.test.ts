// The preset without Docker: its config, its options and handoff, the global setup/teardown and
// reaper (with a recording runtime), and Jest itself running describeDefinition/useEnvironment and
// the matchers against the in-process memory runtime.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testdir } from '@dokkimi/test-utils'
import { ensureBuilt } from './_build.js'
import type * as GlobalSetup from '../src/global-setup.js'
import type * as GlobalTeardown from '../src/global-teardown.js'
import { HANDOFF_VAR, optionsOf, readHandoff, runtimeOf, type Handoff } from '../src/_handoff.js'

const pkg = fileURLToPath(new URL('..', import.meta.url))
const fixtures = join(pkg, 'test/fixtures')
const jestBin = join(pkg, 'node_modules/jest/bin/jest.js')
// Jest runs the preset from dist, and the packages it loads from theirs.
beforeAll(ensureBuilt, 600_000)

afterEach(() => {
  delete process.env[HANDOFF_VAR]
})

describe('the preset file', () => {
  it('points Jest at the built global setup, teardown and matcher setup, with a boot-sized timeout', async () => {
    const preset = ((await import(pathToFileURL(join(pkg, 'jest-preset.js')).href)) as { default: Record<string, unknown> }).default
    expect(preset).toEqual({
      globalSetup: join(pkg, 'dist/global-setup.js'),
      globalTeardown: join(pkg, 'dist/global-teardown.js'),
      setupFilesAfterEnv: [join(pkg, 'dist/setup.js')],
      testTimeout: 300_000,
    })
    for (const file of [preset.globalSetup, preset.globalTeardown, ...(preset.setupFilesAfterEnv as string[])]) expect(existsSync(file as string), String(file)).toBe(true)
  })

  it('is exported as @dokkimi/jest-preset/jest-preset and shipped, with the global setup and teardown for custom ones', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string> | string>; files: string[] }
    expect(manifest.exports['./jest-preset']).toBe('./jest-preset.js')
    expect(manifest.files).toContain('jest-preset.js')
    for (const entry of ['global-setup', 'global-teardown']) {
      const target = manifest.exports[`./${entry}`] as Record<string, string>
      expect(target.import).toBe(`./dist/${entry}.js`)
      expect(existsSync(join(pkg, target.import!))).toBe(true)
      expect(existsSync(join(pkg, target.types!))).toBe(true)
    }
  })
})

describe('options and handoff', () => {
  it('reads testEnvironmentOptions.dokkimi and rejects anything else', () => {
    expect(optionsOf({})).toEqual({})
    expect(optionsOf({ testEnvironmentOptions: { dokkimi: { runtime: 'docker', images: { 'postgres:15': 'mirror/postgres:15' }, session: 's1' } } })).toEqual({ runtime: 'docker', images: { 'postgres:15': 'mirror/postgres:15' }, session: 's1' })
    expect(() => optionsOf({ testEnvironmentOptions: { dokkimi: 'docker' } })).toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] [jest] testEnvironmentOptions.dokkimi must be an object, got "docker"; expected { runtime?: string, images?: Record<string, string>, session?: string }]`)
    expect(() => optionsOf({ testEnvironmentOptions: { dokkimi: { runtim: 'docker' } } })).toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] [jest] testEnvironmentOptions.dokkimi.runtim is not an option; expected { runtime?: string, images?: Record<string, string>, session?: string }]`)
    expect(() => optionsOf({ testEnvironmentOptions: { dokkimi: { images: { postgres: 15 } } } })).toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] [jest] testEnvironmentOptions.dokkimi.images must map image references to strings, got {"postgres":15}; expected { runtime?: string, images?: Record<string, string>, session?: string }]`)
  })

  it("loads the runtime with the preset's images over the project's config.yaml images", async () => {
    const handoff: Handoff = { session: 's', runtime: './recording.js', images: { 'postgres:15': 'preset/postgres:15' }, cwd: join(fixtures, 'runtimes') }
    const factory = await runtimeOf(handoff, { 'postgres:15': 'config/postgres:15', 'redis:7': 'config/redis:7' })
    expect(factory).toMatchObject({ name: 'recording', options: { images: { 'postgres:15': 'preset/postgres:15', 'redis:7': 'config/redis:7' } } })
  })

  it('tells a test file used without the preset how to add it', () => {
    expect(() => readHandoff()).toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] [jest] the Dokkimi global setup did not run (DOKKIMI_JEST_HANDOFF is not set). Add preset: '@dokkimi/jest-preset' to jest.config; if it sets its own globalSetup, call @dokkimi/jest-preset/global-setup (and /global-teardown) from yours]`)
  })
})

describe('global setup, teardown and the reaper', () => {
  const project = (runtime: string, session?: string) => ({ rootDir: join(fixtures, 'runtimes'), testEnvironmentOptions: { dokkimi: { runtime, ...(session ? { session } : {}) } } })
  const sweeps = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { pid: number; session?: string }) : [])
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }

  it('fails fast with the runtime named when it cannot be created', async () => {
    const { default: globalSetup } = (await import(pathToFileURL(join(pkg, 'dist/global-setup.js')).href)) as typeof GlobalSetup
    await expect(globalSetup({}, project('./down.js'))).rejects.toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] [jest] the down runtime is not available: connect ECONNREFUSED /var/run/down.sock]`)
    expect(process.env[HANDOFF_VAR]).toBeUndefined()
  })

  it('sweeps dead owners, hands the session over, and teardown sweeps the session and stops the reaper', { timeout: 30_000 }, async () => {
    const log = join(testdir({}), 'sweeps.jsonl')
    process.env.SWEEP_LOG = log
    const { default: globalSetup } = (await import(pathToFileURL(join(pkg, 'dist/global-setup.js')).href)) as typeof GlobalSetup
    const { default: globalTeardown } = (await import(pathToFileURL(join(pkg, 'dist/global-teardown.js')).href)) as typeof GlobalTeardown
    try {
      await globalSetup({}, project('./recording.js', 'unit-session'))
      const handoff = JSON.parse(process.env[HANDOFF_VAR]!) as Handoff
      expect(handoff).toEqual({ session: 'unit-session', runtime: './recording.js', images: {}, cwd: join(fixtures, 'runtimes'), reaper: expect.any(Number) })
      expect(sweeps(log)).toEqual([{ pid: process.pid }])
      expect(alive(handoff.reaper!)).toBe(true)

      await globalTeardown()
      expect(sweeps(log)).toEqual([{ pid: process.pid }, { pid: process.pid, session: 'unit-session' }])
      expect(process.env[HANDOFF_VAR]).toBeUndefined()
      for (let i = 0; i < 40 && alive(handoff.reaper!); i++) await sleep(100)
      expect(alive(handoff.reaper!)).toBe(false)
      // The reaper was stopped, not triggered.
      expect(sweeps(log).every((s) => s.pid === process.pid)).toBe(true)
    } finally {
      delete process.env.SWEEP_LOG
    }
  })

  it('sweeps the session from the reaper when Jest dies without teardown', { timeout: 30_000 }, async () => {
    const log = join(testdir({}), 'sweeps.jsonl')
    const setup = pathToFileURL(join(pkg, 'dist/global-setup.js')).href
    const script = `const { default: setup } = await import(${JSON.stringify(setup)}); await setup({}, ${JSON.stringify(project('./recording.js', 'killed-session'))}); process.stdout.write(process.env.${HANDOFF_VAR}); process.kill(process.pid, 'SIGKILL')`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, SWEEP_LOG: log }, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    const signal = await new Promise((resolve) => child.on('exit', (_code, s) => resolve(s)))
    expect(signal).toBe('SIGKILL')
    const handoff = JSON.parse(out) as Handoff
    for (let i = 0; i < 100 && sweeps(log).length < 2; i++) await sleep(100)
    const [orphans, ...reaped] = sweeps(log)
    expect(orphans).toEqual({ pid: child.pid })
    expect(reaped[0]).toEqual({ pid: handoff.reaper, session: 'killed-session' })
    // It keeps sweeping until the session stays empty, then exits.
    for (let i = 0; i < 150 && alive(handoff.reaper!); i++) await sleep(100)
    expect(alive(handoff.reaper!)).toBe(false)
    expect(sweeps(log).length).toBe(4)
  })
})

interface JestJson {
  success: boolean
  testResults: Array<{ name: string; assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>
}

describe('Jest with the preset (memory runtime)', () => {
  let json: JestJson
  let stderr: string
  const result = (fullName: string) => {
    const found = json.testResults.flatMap((f) => f.assertionResults).find((a) => a.fullName === fullName)
    if (!found) throw new Error(`no test "${fullName}" in ${json.testResults.flatMap((f) => f.assertionResults.map((a) => a.fullName)).join(', ')}`)
    return { status: found.status, message: found.failureMessages.join('\n') }
  }

  const cleanups: Array<() => void> = []
  const onCleanup = (fn: () => void) => cleanups.push(fn)
  afterAll(() => cleanups.forEach((fn) => fn()))

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'dokkimi-jest-preset-'))
    onCleanup(() => rmSync(dir, { recursive: true, force: true }))
    const out = join(dir, 'results.json')
    const run = spawnSync(process.execPath, ['--experimental-vm-modules', jestBin, '--json', '--outputFile', out], {
      cwd: join(fixtures, 'memory'),
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 120_000,
    })
    stderr = run.stderr
    expect(run.status, stderr).toBe(1)
    json = JSON.parse(readFileSync(out, 'utf8')) as JestJson
  }, 150_000)

  it('runs one test per definition test, sharing one environment', () => {
    expect(result('echo answers')).toEqual({ status: 'passed', message: '' })
  })

  it("fails a test with core's failure report, not a stack trace", () => {
    const { status, message } = result('echo breaks')
    expect(status).toBe('failed')
    expect(message).toContain('✗ echo › breaks › GET echo/echo/two')
    expect(message).toContain('✗ path $.response.status (eq)')
    expect(message).toMatch(/expected: 201\n\s+actual: {3}200/)
    expect(message).toMatch(/test → echo {2}GET \/echo\/two {2}200/)
    expect(message).not.toMatch(/\bat .*dist[/\\]/)
  })

  it('fails a test after a fatal failure with the reason (Jest cannot skip at run time)', () => {
    expect(result('echo never runs')).toEqual({ status: 'failed', message: 'DokkimiError: [dokkimi] not run: a previous step failed before reaching this test (Jest cannot skip a test at run time)' })
  })

  it("fails a definition that does not resolve with the resolver's issues, file:line first", () => {
    const { status, message } = result('definitions/bad.yaml resolves')
    expect(status).toBe('failed')
    expect(message.split('\n')[0]).toBe('DokkimiError: definitions/bad.yaml:6:5  error "port" must be an integer 1–65535, got "eighty"  PORT_INVALID V-060')
    expect(message).toContain('> 6 |     port: eighty')
    expect(message).not.toMatch(/\bat .*dist[/\\]/)
  })

  it('explains a fragment passed as a definition', () => {
    const { status, message } = result('definitions/fragment.yaml resolves')
    expect(status).toBe('failed')
    expect(message).toContain('DokkimiError: definitions/fragment.yaml:1:1  error not a runnable definition')
    expect(message).toContain('hint: This file is a fragment; use it through $ref from a definition.')
  })

  it("fails every test of a definition whose environment cannot start with the runtime's message only", () => {
    const message = 'DokkimiError: [dokkimi] [memory] service "nothing": no in-process implementation for image "dokkimi-fixtures/does-not-exist:1" (pass it in memoryRuntime({ services }))'
    expect(result('unknown-image first')).toEqual({ status: 'failed', message })
    expect(result('unknown-image second')).toEqual({ status: 'failed', message })
  })

  it('gives useEnvironment a handle that works in tests and explains itself outside them', () => {
    for (const name of [
      'scope file reports a handle used at collection time',
      'scope file calls through the environment and matches the call',
      'scope file starts a new step window per test, in the same environment',
      'scope test gets its own environment (1)',
      'scope test gets its own environment (2)',
    ])
      expect(result(name), name).toEqual({ status: 'passed', message: '' })
  })

  it('fails a matcher with the closest captured calls', () => {
    const { status, message } = result('scope file fails a matcher with the closest calls')
    expect(status).toBe('failed')
    expect(message).toContain('expected a call matching method POST, url echo/echo/expected, found none among 1 call captured in this step')
    expect(message).toMatch(/closest captured calls:\n\s+test → echo {2}GET \/echo\/actual {2}200/)
    expect(message).toContain('$$.request.method eq "POST", actual "GET"')
  })

  it('fails every test of a useEnvironment whose spec does not resolve with the issues', () => {
    const { status, message } = result('a spec that does not resolve fails with the resolver issues')
    expect(status).toBe('failed')
    expect(message.split('\n')[0]).toBe('DokkimiError: defineEnvironment(broken):1:1  error "port" must be an integer 1–65535, got 0  PORT_INVALID V-060')
  })

  it('prints the summary', () => {
    expect(stderr).toMatch(/Tests:\s+8 failed, 6 passed, 14 total/)
  })
})
