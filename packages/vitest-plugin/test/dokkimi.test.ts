// The plugin's hooks on a real Vitest instance: global setup and setup file registered once,
// the connection data provided to tests, boot-friendly timeouts unless the user set theirs.
import { fileURLToPath } from 'node:url'
import { createVitest, type Vitest } from 'vitest/node'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { dokkimi, type DokkimiOptions } from '../src/index.js'

const root = fileURLToPath(new URL('./fixtures/', import.meta.url))
const src = fileURLToPath(new URL('../src/', import.meta.url))
let vitest: Vitest | undefined

afterEach(async () => {
  await vitest?.close()
  vitest = undefined
})

// `test` plays the part of the config file's `test` block.
async function start(options: DokkimiOptions = {}, test: Record<string, unknown> = {}): Promise<Vitest> {
  vitest = await createVitest('test', { config: false, root, watch: false }, { plugins: [dokkimi(options)], test })
  return vitest
}

describe('dokkimi()', () => {
  it('is a Vite plugin named vitest:dokkimi', () => {
    expect(dokkimi().name).toBe('vitest:dokkimi')
  })

  it('registers its global setup and setup file, and provides the session, runtime, images and root', async () => {
    const { projects } = await start({ runtime: './memory-runtime.ts', images: { 'postgres:15': 'mirror.local/postgres:15' }, session: 'session-1' })
    const project = projects[0]!
    expect(project.config.globalSetup).toEqual([`${src}global-setup.ts`])
    expect(project.config.setupFiles).toEqual([`${src}setup-file.ts`])
    expect(project.getProvidedContext().dokkimi).toEqual({ session: 'session-1', runtime: './memory-runtime.ts', images: { 'postgres:15': 'mirror.local/postgres:15' }, cwd: root.replace(/\/$/, '') })
  })

  it('takes the session from DOKKIMI_SESSION, else makes a random one per run', async () => {
    vi.stubEnv('DOKKIMI_SESSION', 'from-env')
    expect((await start()).projects[0]!.getProvidedContext().dokkimi).toMatchObject({ session: 'from-env', runtime: 'docker', images: {} })
    await vitest!.close()
    vi.stubEnv('DOKKIMI_SESSION', undefined)
    const a = (await start()).projects[0]!.getProvidedContext().dokkimi!.session
    await vitest!.close()
    const b = (await start()).projects[0]!.getProvidedContext().dokkimi!.session
    expect(a).toMatch(/^vitest-[0-9a-f]{12}$/)
    expect(b).not.toBe(a)
  })

  it('gives hooks and tests time for environments to boot, unless the config sets its own', async () => {
    expect((await start()).projects[0]!.config).toMatchObject({ hookTimeout: 300_000, testTimeout: 120_000, teardownTimeout: 60_000 })
    await vitest!.close()
    expect((await start({}, { hookTimeout: 1_000, testTimeout: 2_000 })).projects[0]!.config).toMatchObject({ hookTimeout: 1_000, testTimeout: 2_000, teardownTimeout: 60_000 })
  })
})
