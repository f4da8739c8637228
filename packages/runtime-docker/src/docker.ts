import { defineRuntime, type RuntimeFactory } from '@dokkimi/core'
import type Dockerode from 'dockerode'
import { DockerRuntime } from './docker-runtime.js'

export interface DockerRuntimeOptions {
  /**
   * How to reach the engine, passed to dockerode.
   * @default dockerode's own resolution: DOCKER_HOST (with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), else the local socket
   */
  docker?: Dockerode.DockerOptions
  /**
   * Image rewrite map (config.yaml `images:`): `postgres:15` → `mirror.local/postgres:15`, or a
   * repository without tag (`postgres` → `mirror.local/postgres`, keeping the tag). DOKKIMI_IMAGES
   * (a JSON file path or inline JSON) is merged over it.
   * @default {}
   */
  images?: Record<string, string>
  /**
   * Base image of the interceptor image, itself rewritten by the image map.
   * @default 'node:20-slim'
   */
  nodeImage?: string
  /**
   * `missing` pulls images the engine does not have; `never` fails instead.
   * @default 'missing'
   */
  pull?: 'missing' | 'never'
}

/** The Docker runtime: each environment on its own network of containers, fronted by the interceptor. */
export function docker(options: DockerRuntimeOptions = {}): RuntimeFactory<DockerRuntimeOptions> {
  return defineRuntime({
    name: 'docker',
    options,
    create: async () => {
      const runtime = new DockerRuntime(options)
      await runtime.ping()
      return runtime
    },
  })
}
