import { describe, expect, it } from 'vitest'
import { docker } from '../src/index.js'

describe('docker()', () => {
  it('is a runtime factory named docker with its options', () => {
    const factory = docker({ pull: 'never' })
    expect(factory.name).toBe('docker')
    expect(factory.options).toEqual({ pull: 'never' })
  })

  it('fails with RUNTIME_UNAVAILABLE when no engine answers', async () => {
    const error = await Promise.resolve(docker({ docker: { socketPath: '/nonexistent/docker.sock' } }).create()).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'RUNTIME_UNAVAILABLE' })
    expect((error as Error).message).toMatchInlineSnapshot(
      `"[dokkimi] [docker] no Docker engine answers at /nonexistent/docker.sock: connect ENOENT /nonexistent/docker.sock. Start Docker (or set DOCKER_HOST) and retry"`,
    )
  })
})
