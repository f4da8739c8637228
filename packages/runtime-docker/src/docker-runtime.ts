import { createRequire } from 'node:module'
import { createLogger, DokkimiError, type BootEvent, type EnvironmentPlan, type Runtime, type RuntimeEnvironment, type RuntimeFlags, type StartOptions, type SweepOptions, type SweepResult } from '@dokkimi/core'
import Dockerode from 'dockerode'
import { DockerEnvironment } from './_docker-environment.js'
import { loadImageMap, mapImage, type ImageMap } from './_image-map.js'
import { buildLocalImage, engineReason, ImageStore } from './_images.js'
import { sweepOrphans } from './_sweep.js'
import type { DockerRuntimeOptions } from './docker.js'

const logger = createLogger('dokkimi:runtime:docker')

/** The interceptor program: one bundled file, the `./program` export of @dokkimi/interceptor. */
function interceptorProgram(): string {
  try {
    return createRequire(import.meta.url).resolve('@dokkimi/interceptor/program')
  } catch (error) {
    throw new DokkimiError('ENVIRONMENT_START_FAILED', '[dokkimi] [docker] the interceptor program (@dokkimi/interceptor/program) is missing. Build it: pnpm --filter @dokkimi/interceptor build', { cause: error })
  }
}

/** The live Docker runtime behind `docker()`; exported for extension and tools. */
export class DockerRuntime implements Runtime {
  readonly name = 'docker'
  readonly flags: RuntimeFlags = { images: true, databases: true, resourceLimits: true, parallelEnvironments: true }
  readonly imageMap: ImageMap
  private readonly client: Dockerode
  private readonly images: ImageStore
  private interceptorTag: Promise<string> | undefined
  private readonly running = new Set<DockerEnvironment>()

  constructor(private readonly options: DockerRuntimeOptions = {}) {
    this.client = new Dockerode(options.docker)
    this.images = new ImageStore(this.client)
    this.imageMap = loadImageMap(options.images)
  }

  /** Fails with RUNTIME_UNAVAILABLE when no engine answers. */
  async ping(): Promise<void> {
    try {
      await this.client.ping()
    } catch (error) {
      const modem = this.client.modem as { socketPath?: string; host?: string; port?: string | number }
      const where = modem.socketPath ?? `${modem.host ?? '?'}:${modem.port ?? '?'}`
      throw new DokkimiError('RUNTIME_UNAVAILABLE', `[dokkimi] [docker] no Docker engine answers at ${where}: ${engineReason(error)}. Start Docker (or set DOCKER_HOST) and retry`, { cause: error })
    }
  }

  async start(plan: EnvironmentPlan, options: StartOptions = {}): Promise<RuntimeEnvironment> {
    const environment = new DockerEnvironment(
      {
        docker: this.client,
        images: this.images,
        imageMap: this.imageMap,
        pull: this.options.pull ?? 'missing',
        interceptorImage: (onProgress) => this.interceptorImage(onProgress),
        sweep: () => this.sweep(),
        release: (env) => this.running.delete(env),
        logger,
      },
      plan,
    )
    this.running.add(environment)
    await environment.start(options)
    return environment
  }

  sweep(options: SweepOptions = {}): Promise<SweepResult> {
    return sweepOrphans(this.client, options.session).then((removed) => {
      if (removed.length) logger.info('swept %d orphaned environment(s): %s', removed.length, removed.join(', '))
      return { removed }
    })
  }

  /** Stops every environment this runtime started. */
  async dispose(): Promise<void> {
    await Promise.allSettled([...this.running].map((env) => env.stop()))
  }

  getInstance(): Dockerode {
    return this.client
  }

  /** `dokkimi/interceptor:<content hash>`, built on the (mapped) Node image once. */
  interceptorImage(onProgress?: (event: BootEvent) => void): Promise<string> {
    this.interceptorTag ??= (async () => {
      const base = mapImage(this.imageMap, this.options.nodeImage ?? 'node:20-slim')
      const baseId = await this.images.ensure(base, { pull: this.options.pull ?? 'missing', ...(onProgress ? { onProgress } : {}) })
      return buildLocalImage(
        this.client,
        this.images,
        {
          repository: 'dokkimi/interceptor',
          base,
          baseId,
          dockerfile: ['COPY interceptor.mjs /opt/dokkimi/interceptor.mjs', 'ENTRYPOINT ["node", "/opt/dokkimi/interceptor.mjs"]', 'CMD []'].join('\n'),
          files: { 'interceptor.mjs': interceptorProgram() },
          labels: { 'dokkimi.image': 'interceptor' },
        },
        onProgress,
      )
    })()
    this.interceptorTag.catch(() => (this.interceptorTag = undefined))
    return this.interceptorTag
  }
}
