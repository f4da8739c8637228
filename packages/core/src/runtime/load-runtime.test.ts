import { describe, expect, it } from 'vitest'
import { loadRuntime } from './load-runtime.js'

const notFound = (specifier: string) => Object.assign(new Error(`Cannot find package '${specifier}' imported from /x`), { code: 'ERR_MODULE_NOT_FOUND' })

describe('loadRuntime', () => {
  it('resolves a built-in name through the caller’s import and passes the options to the factory', async () => {
    const seen: string[] = []
    const factory = await loadRuntime('docker', {
      options: { images: { 'postgres:15': 'mirror/postgres:15' } },
      importModule: async (s) => {
        seen.push(s)
        return { docker: (options: unknown) => ({ name: 'docker', options, create: () => Promise.reject(new Error('unused')) }) }
      },
    })
    expect(seen).toEqual(['@dokkimi/runtime-docker'])
    expect(factory.name).toBe('docker')
    expect(factory.options).toEqual({ images: { 'postgres:15': 'mirror/postgres:15' } })
  })

  it('names the package to install, next to the caller’s package', async () => {
    const error = await loadRuntime('docker', { host: '@dokkimi/vitest-plugin', importModule: (s) => Promise.reject(notFound(s)) }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'RUNTIME_NOT_INSTALLED' })
    expect((error as Error).message).toMatchInlineSnapshot(`"the docker runtime needs @dokkimi/runtime-docker, which is not installed. Install it next to @dokkimi/vitest-plugin: npm install -D @dokkimi/runtime-docker"`)
  })

  it('rejects unknown names and unshipped runtimes with distinct codes', async () => {
    await expect(loadRuntime('lxc')).rejects.toMatchObject({ code: 'RUNTIME_UNKNOWN', message: 'unknown runtime "lxc": use docker or kubernetes, or a module path such as ./my-runtime.js' })
    await expect(loadRuntime('kubernetes')).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' })
    await expect(loadRuntime('docker', { importModule: async () => ({}) })).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE', message: '@dokkimi/runtime-docker does not export docker(); update it to the version matching @dokkimi/core' })
  })
})
