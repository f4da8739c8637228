// The global setup fails the run at once, with the runtime's own message and no stack, when the
// Docker engine does not answer (no Docker needed: DOCKER_HOST points nowhere).
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runVitest } from './_run-vitest.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

describe('the global setup', () => {
  it('stops the run with a clear message when Docker does not answer', { timeout: 120_000 }, async () => {
    const run = await runVitest(['run', '--config', 'docker.config.ts'], { cwd: fixtures, env: { DOCKER_HOST: 'unix:///tmp/dokkimi-no-docker.sock' } })
    const out = run.stdout + run.stderr
    expect(run.status).toBe(1)
    expect(out).toContain('DokkimiError: [dokkimi] [docker] no Docker engine answers at /tmp/dokkimi-no-docker.sock: connect ENOENT /tmp/dokkimi-no-docker.sock. Start Docker (or set DOCKER_HOST) and retry\n')
    expect(out).not.toContain('DockerRuntime.ping')
    expect(out).not.toMatch(/answers on \/echo/)
  })
})
