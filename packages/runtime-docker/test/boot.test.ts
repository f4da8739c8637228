// Staged bootup and every failure kind of a start, each with its message pinned.
import { createEnvironment, isDokkimiError, type BootEvent, type DokkimiError } from '@dokkimi/core'
import { dockerTestsEnabled } from '@dokkimi/test-utils'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { DockerEnvironment } from '../src/_docker-environment.js'
import { docker, type DockerRuntime } from '../src/index.js'
import { client, definition, echoImage, leftovers, testImageMap } from './_helpers.js'

const enabled = dockerTestsEnabled()
const image = enabled ? await echoImage() : ''

function yaml(items: string, timeoutSeconds = 60): Record<string, string> {
  return { 'dokkimi.yaml': `name: boot\nconfig: { timeoutSeconds: ${timeoutSeconds} }\nitems:\n${items}` }
}

const service = (name: string, extra = '', env: Record<string, string> = {}) =>
  `  - { type: SERVICE, name: ${name}, image: '${image}', port: 8080, healthCheck: /health${extra}, env: [${Object.entries({ SERVICE_NAME: name, ...env })
    .map(([k, v]) => `{ name: ${k}, value: '${v}' }`)
    .join(', ')}] }\n`

describe.runIf(enabled)('docker runtime: staged bootup and start failures', () => {
  let runtime: DockerRuntime | undefined
  const live = async () => (runtime ??= (await docker({ images: testImageMap() }).create()) as DockerRuntime)
  afterAll(async () => {
    await runtime?.dispose()
  })
  afterEach(async () => {
    expect(await leftovers()).toEqual([])
  })

  async function failure(files: Record<string, string>, events: Array<BootEvent & { at: number }> = []): Promise<DokkimiError> {
    const error = await createEnvironment(definition(files), { runtime: await live(), onProgress: (e) => events.push({ ...e, at: Date.now() }) }).then(
      async (env) => {
        await env.stop()
        throw new Error('the environment started')
      },
      (e: unknown) => e,
    )
    expect(isDokkimiError(error)).toBe(true)
    return error as DokkimiError
  }

  it('starts stage 1 only after stage 0 is ready', { timeout: 120_000 }, async () => {
    const events: Array<BootEvent & { at: number }> = []
    await using env = await createEnvironment(definition(yaml(service('first', '', { BOOT_DELAY_MS: '1000' }) + service('second', ', stage: 1'))), {
      runtime: await live(),
      onProgress: (e) => events.push({ ...e, at: Date.now() }),
    })
    const order = events.filter((e) => e.type !== 'image').map((e) => (e.type === 'stage' ? `stage ${e.stage}: ${e.items.join(',')}` : `${e.item} ${e.status}`))
    expect(order).toEqual(['stage 0: first', 'first starting', 'first ready', 'stage 1: second', 'second starting', 'second ready'])

    const containers = await client.listContainers({ filters: { label: [`dokkimi.run=${env.runId}`] } })
    const startedAt = async (item: string) => {
      const c = containers.find((x) => x.Labels['dokkimi.item'] === item)!
      return new Date((await client.getContainer(c.Id).inspect()).State.StartedAt).getTime()
    }
    const firstReady = events.find((e) => e.type === 'item' && e.item === 'first' && e.status === 'ready')!.at
    expect(await startedAt('second')).toBeGreaterThanOrEqual(firstReady)
    expect(await startedAt('second')).toBeGreaterThanOrEqual((await startedAt('first')) + 1000)
    expect(containers.map((c) => `${c.Labels['dokkimi.role']} ${c.Labels['dokkimi.item'] ?? ''}`.trim()).sort()).toEqual(['interceptor', 'service first', 'service second'])
  })

  it('starts services only once the interceptor answers, so a call at boot reaches a MOCK', { timeout: 120_000 }, async () => {
    const mock = `  - { type: MOCK, name: vendor, mockTarget: api.vendor.test, mockPath: /v1/*, mockMethod: GET, mockResponseStatus: 200, mockResponseBody: { ok: true } }\n`
    await using env = await createEnvironment(definition(yaml(service('eager', '', { BOOT_CALL: 'https://api.vendor.test/v1/boot' }) + mock)), { runtime: await live() })
    const docked = env.runtimeEnvironment as DockerEnvironment
    const container = client.getContainer(docked.resources.containers.eager!)
    const started = new Date((await container.inspect()).State.StartedAt).getTime()
    expect(docked.interceptorReadyAt).toBeDefined()
    expect(started).toBeGreaterThanOrEqual(docked.interceptorReadyAt!)
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8')
    expect(logs).toContain('eager boot call https://api.vendor.test/v1/boot → 200')
  })

  it('fails fast on an image that cannot be pulled, naming the image, the item and the engine’s reason', { timeout: 60_000 }, async () => {
    const events: Array<BootEvent & { at: number }> = []
    const error = await failure(yaml(service('fine') + `  - { type: SERVICE, name: broken, image: 'dokkimi-fixtures/does-not-exist:1', port: 8080, healthCheck: /health }\n`), events)
    expect(error.code).toBe('ENVIRONMENT_START_FAILED')
    expect(error.message.replace(/pulled: .*?\. If this host/, 'pulled: <reason>. If this host')).toMatchInlineSnapshot(
      `"[dokkimi] [docker] image "dokkimi-fixtures/does-not-exist:1" (item "broken") could not be pulled: <reason>. If this host has no registry access, build local images (bash scripts/local-images.sh) and map them with DOKKIMI_IMAGES"`,
    )
    expect(error.message).toMatch(/could not be pulled: .*(registry|denied|not found|no such host|dial tcp)/i)
    // Nothing started: the image check comes before any container.
    expect(events.filter((e) => e.type === 'item')).toEqual([])
  })

  it('reports a health check that never passes with its last status and body', { timeout: 60_000 }, async () => {
    const events: Array<BootEvent & { at: number }> = []
    const error = await failure(yaml(service('sick', '', { HEALTH_STATUS: '500' }), 5), events)
    expect(error.code).toBe('ENVIRONMENT_START_FAILED')
    expect(error.message).toMatchInlineSnapshot(
      `"[dokkimi] [docker] item "sick" never passed its health check GET /health on port 8080 within 5000 ms: the last answer was 500: {"ok":false,"reason":"database connection refused"}"`,
    )
    expect(error.details).toMatchObject({ item: 'sick', status: 500 })
    expect(events.filter((e) => e.type === 'item').map((e) => `${e.item} ${e.status}`)).toEqual(['sick starting', 'sick failed'])
  })

  it('reports a crash before readiness with the exit code and the last log lines', { timeout: 60_000 }, async () => {
    const error = await failure(yaml(service('crashy', '', { NO_LISTEN: '1', BOOT_LOG: 'connecting to the queue|queue unreachable', EXIT_AFTER_MS: '300', EXIT_CODE: '3' })))
    expect(error.code).toBe('ENVIRONMENT_START_FAILED')
    expect(error.message).toMatchInlineSnapshot(`
      "[dokkimi] [docker] item "crashy" exited with code 3 before it was ready. Last 4 log lines:
        connecting to the queue
        queue unreachable
        crashy: not listening (NO_LISTEN)
        crashy: giving up (exit 3)"
    `)
    expect(error.details).toMatchObject({ item: 'crashy', exitCode: 3 })
  })

  it('keeps only the last 50 log lines of a crash', { timeout: 60_000 }, async () => {
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i + 1}`).join('|')
    const error = await failure(yaml(service('chatty', '', { NO_LISTEN: '1', BOOT_LOG: lines, EXIT_AFTER_MS: '200', EXIT_CODE: '1' })))
    const shown = error.message.split('\n').slice(1)
    expect(shown).toHaveLength(50)
    expect(shown[0]).toBe('  line 33')
    expect(shown.at(-1)).toBe('  chatty: giving up (exit 1)')
  })

  it('times out with the last thing it saw', { timeout: 60_000 }, async () => {
    const error = await failure(yaml(service('fast') + service('slow', ', stage: 1', { NO_LISTEN: '1' }), 5))
    expect(error.code).toBe('ENVIRONMENT_TIMEOUT')
    expect(error.message).toMatchInlineSnapshot(
      `"[dokkimi] [docker] item "slow" was not ready within 5000 ms (health check GET /health on port 8080); last attempt: ECONNREFUSED. Raise config.timeoutSeconds if it needs longer"`,
    )
  })

  it('reports a crash after start to onCrash listeners', { timeout: 60_000 }, async () => {
    await using env = await createEnvironment(definition(yaml(service('flaky', '', { PORT: '8080', EXIT_AFTER_MS: '1500', EXIT_CODE: '7' }))), { runtime: await live() })
    const crash = await new Promise((resolve) => (env.runtimeEnvironment as DockerEnvironment).onCrash(resolve))
    expect(crash).toEqual({ item: 'flaky', exitCode: 7, lastLines: ['flaky listening on 8080', 'flaky: giving up (exit 7)'] })
  })

  it('honours an abort signal while starting', { timeout: 60_000 }, async () => {
    const controller = new AbortController()
    const pending = createEnvironment(definition(yaml(service('never', '', { NO_LISTEN: '1' }), 60)), {
      runtime: await live(),
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'item' && e.status === 'starting') setTimeout(() => controller.abort(), 200)
      },
    })
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e as DokkimiError,
    )
    expect(error?.code).toBe('ENVIRONMENT_STOPPED')
  })
})
