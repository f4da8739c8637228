// The conformance suite every Runtime passes (ARCHITECTURE.md §3, STYLE.md rule 19). It registers
// vitest tests; await it at the top level of a test file:
//
//   await runtimeConformance(() => docker(), { echoImage: 'dokkimi-fixtures/echo:1' })
//
// vitest is imported only here, when called, so the rest of @dokkimi/core/testing (memoryRuntime)
// loads in any test framework.
//
// `echoImage` must implement the echo protocol described in echo-service.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadDefinitions, type Definition } from '@dokkimi/resolver'
import { createEnvironment } from '../environment/create-environment.js'
import { isDokkimiError } from '../errors.js'
import type { BootEvent, Runtime, RuntimeFactory } from '../runtime/runtime.js'
import { runSteps } from '../steps/run-steps.js'

export interface ConformanceOptions {
  /** An image implementing the echo protocol (see echo-service.ts). */
  echoImage: string
  /** An image reference the runtime cannot start (missing or never healthy). @default 'dokkimi-conformance/missing:0' */
  brokenImage?: string
  /** Per-test timeout. @default 120000 */
  timeoutMs?: number
  /** Extra tests, run inside the suite's describe block. */
  additionalTests?: (runtime: () => Promise<Runtime>) => void
}

function definitionFor(yaml: string): Definition {
  const dir = mkdtempSync(join(tmpdir(), 'dokkimi-conformance-'))
  try {
    writeFileSync(join(dir, 'conformance.yaml'), yaml)
    const { definitions, errors } = loadDefinitions(join(dir, 'conformance.yaml'))
    if (errors.length) throw new Error(errors.map((e) => `${e.code} ${e.message}`).join('\n'))
    return definitions[0]!
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Registers the Runtime conformance tests for `factory` (vitest). */
export async function runtimeConformance(factory: () => RuntimeFactory | Runtime | Promise<Runtime>, options: ConformanceOptions): Promise<void> {
  const { afterAll, describe, expect, it } = await import('vitest')
  const timeout = options.timeoutMs ?? 120_000
  let live: Runtime | undefined
  const runtime = async (): Promise<Runtime> => {
    if (live) return live
    const made = await factory()
    live = 'start' in made ? made : await made.create()
    return live
  }
  afterAll(async () => {
    await live?.dispose()
  })

  const twoServices = definitionFor(`
name: conformance
items:
  - { type: SERVICE, name: svc-a, image: '${options.echoImage}', port: 8080, healthCheck: /health, env: [{ name: GREETING, value: hello }] }
  - { type: SERVICE, name: svc-b, image: '${options.echoImage}', port: 8081, healthCheck: tcp, stage: 1 }
  - { type: MOCK, name: vendor, mockTarget: api.vendor.test, mockPath: /v1/*, mockMethod: GET, mockResponseStatus: 200, mockResponseBody: { ok: vendor } }
`)

  describe(`runtime conformance`, () => {
    it('starts stages in order, routes runner → service → service and → mocked HTTPS through the interceptor, and records origins', { timeout }, async () => {
      const events: BootEvent[] = []
      await using env = await createEnvironment(twoServices, { runtime: await runtime(), onProgress: (e) => events.push(e) })
      const stages = events.filter((e): e is Extract<BootEvent, { type: 'stage' }> => e.type === 'stage').map((e) => e.items)
      expect(stages).toEqual([['svc-a'], ['svc-b']])
      const r = await runSteps(
        env,
        [
          { name: 'echo', action: { type: 'httpRequest', method: 'POST', url: 'svc-a/echo/x', body: { n: 1 } } },
          { name: 'a calls b', action: { type: 'httpRequest', method: 'POST', url: 'svc-a/call', body: { url: 'http://svc-b:8081/echo/from-a' } } },
          { name: 'a calls a mock over https', action: { type: 'httpRequest', method: 'POST', url: 'svc-a/call', body: { url: 'https://api.vendor.test/v1/things' } } },
          { name: 'a calls an unmocked host', action: { type: 'httpRequest', method: 'POST', url: 'svc-a/call', body: { url: 'http://nowhere.example.com/x' } } },
        ] as never,
        {},
      )
      expect(r.steps.map((s) => [s.name, s.status, (s.response as { status: number }).status])).toEqual([
        ['echo', 'passed', 200],
        ['a calls b', 'passed', 200],
        ['a calls a mock over https', 'passed', 200],
        ['a calls an unmocked host', 'passed', 200],
      ])
      const [echo, ab, mock, unmocked] = r.steps
      expect((echo!.response as { body: { body: string } }).body.body).toBe('{"n":1}')
      expect(ab!.traffic.map((t) => `${t.origin}→${t.to}`)).toEqual(['test→svc-a', 'svc-a→svc-b'])
      expect((mock!.response as { body: { body: string; status: number } }).body).toMatchObject({ status: 200, body: '{"ok":"vendor"}' })
      expect(mock!.traffic.find((t) => t.to === 'api.vendor.test')).toMatchObject({ origin: 'svc-a', mocked: true, request: { url: 'http://api.vendor.test/v1/things' } })
      expect((unmocked!.response as { body: { status: number } }).body.status).toBe(502)
      expect(unmocked!.traffic.find((t) => t.to === 'nowhere.example.com')).toMatchObject({ origin: 'svc-a', outcome: 'unmocked' })
    })

    it('streams console lines attributed to the item and the step', { timeout }, async () => {
      await using env = await createEnvironment(twoServices, { runtime: await runtime() })
      const r = await runSteps(env, [{ name: 'echo', action: { type: 'httpRequest', method: 'GET', url: 'svc-b/echo/logged' } }] as never, {})
      await env.settle()
      const lines = env.ledger.consoleLogs.filter((l) => l.message.includes('echo GET /echo/logged'))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({ service: 'svc-b', step: r.steps[0]!.id })
    })

    it('stop() removes the environment and is idempotent', { timeout }, async () => {
      const env = await createEnvironment(twoServices, { runtime: await runtime() })
      const control = env.runtimeEnvironment.controlUrl
      await env.stop()
      await env.stop()
      await expect(fetch(`${control}/health`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow()
    })

    it('fails fast with a Dokkimi error naming the item when an item cannot start', { timeout }, async () => {
      const broken = definitionFor(`
name: conformance-broken
items:
  - { type: SERVICE, name: fine, image: '${options.echoImage}', port: 8080, healthCheck: /health }
  - { type: SERVICE, name: broken, image: '${options.brokenImage ?? 'dokkimi-conformance/missing:0'}', port: 8080, healthCheck: /health, stage: 1 }
`)
      const error = await createEnvironment(broken, { runtime: await runtime() }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isDokkimiError(error)).toBe(true)
      // What a failed start leaves behind is runtime-specific: each runtime's own suite checks its labels.
      expect(String((error as Error).message)).toContain('broken')
    })

    options.additionalTests?.(runtime)
  })
}
