// sweep({ session }): removes every environment of one test session, even while its owner lives,
// and nothing else.
import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createEnvironment, runSteps, type StartedEnvironment } from '@dokkimi/core'
import { dockerTestsEnabled } from '@dokkimi/test-utils'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { docker, type DockerRuntime } from '../src/index.js'
import { definition, echoImage, leftovers, testImageMap } from './_helpers.js'

const enabled = dockerTestsEnabled()
const image = enabled ? await echoImage() : ''

const yaml = `
name: sessions
config: { timeoutSeconds: 60 }
items:
  - { type: SERVICE, name: svc, image: '${image}', port: 8080, healthCheck: /health }
`

const tempDirsOf = (runId: string) => readdirSync(tmpdir()).filter((d) => d.startsWith(`dokkimi-${runId}-`))

describe.runIf(enabled)('docker runtime: sweep of a test session', () => {
  const runtimes: DockerRuntime[] = []
  const create = async () => {
    const runtime = (await docker({ images: testImageMap() }).create()) as DockerRuntime
    runtimes.push(runtime)
    return runtime
  }
  afterAll(async () => {
    await Promise.all(runtimes.map((r) => r.dispose()))
  })
  afterEach(async () => {
    expect(await leftovers()).toEqual([])
  })

  it('removes the session’s environments while their owner is alive, and leaves other sessions alone', { timeout: 120_000 }, async () => {
    const owner = await create()
    const session = `sweep-test-${process.pid}-${Date.now()}`
    const def = definition({ 'dokkimi.yaml': yaml })
    const started: StartedEnvironment[] = []
    try {
      const [mine, other, none] = await Promise.all([
        createEnvironment(def, { runtime: owner, session }),
        createEnvironment(def, { runtime: owner, session: `${session}-other` }),
        createEnvironment(def, { runtime: owner }),
      ])
      started.push(mine, other, none)
      for (const env of started) expect(await leftovers(`dokkimi.run=${env.runId}`)).toHaveLength(3) // interceptor, svc, network
      expect(tempDirsOf(mine.runId)).toHaveLength(1)

      // A second runtime instance (another process would do the same): the owner is still running.
      const { removed } = await (await create()).sweep({ session })

      expect(removed).toEqual([mine.runId])
      expect(await leftovers(`dokkimi.session=${session}`)).toEqual([])
      expect(await leftovers(`dokkimi.run=${mine.runId}`)).toEqual([])
      expect(tempDirsOf(mine.runId)).toEqual([])
      for (const env of [other, none]) {
        expect(await leftovers(`dokkimi.run=${env.runId}`)).toHaveLength(3)
        const result = await runSteps(env, [{ name: 'still up', action: { type: 'httpRequest', method: 'GET', url: 'svc/echo/alive' } }] as never, {})
        expect(result.steps.map((s) => s.status)).toEqual(['passed'])
      }
    } finally {
      // The owner's own stop finds the swept environment gone and does not fail.
      await Promise.all(started.map((env) => env.stop()))
    }
  })
})
