import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'

const exec = promisify(execFile)

export type TestDatabaseEngine = 'postgres' | 'mysql' | 'redis'

export interface DatabaseContainerOptions {
  database: TestDatabaseEngine
  /** Container env, e.g. `{ POSTGRES_PASSWORD: 'secret' }`; defaults to the engine's dokkimi/dokkimi/dokkimi credentials. */
  env?: Record<string, string>
  /** Host directory mounted read-only at /docker-entrypoint-initdb.d. */
  initDir?: string
  /** Command replacing the image's CMD, e.g. `['redis-server', '--requirepass', 'x']`. */
  cmd?: string[]
  /** Image to run; by default the engine's entry in the DOKKIMI_IMAGES map, else `dokkimi-local/<engine>`. */
  image?: string
  /** How long to wait for a first authenticated query. @default 60000 */
  readyTimeoutMs?: number
}

export interface StartedDatabaseContainer {
  id: string
  host: '127.0.0.1'
  port: number
  /** Removes the container (and its anonymous volumes). */
  stop(): Promise<void>
}

const ENGINES = {
  postgres: {
    ref: 'postgres:15',
    local: 'dokkimi-local/postgres:15',
    port: 5432,
    dataDir: '/var/lib/postgresql/data',
    env: { POSTGRES_DB: 'dokkimi', POSTGRES_USER: 'dokkimi', POSTGRES_PASSWORD: 'dokkimi' },
  },
  mysql: {
    ref: 'mysql:8',
    local: 'dokkimi-local/mysql:8',
    port: 3306,
    dataDir: '/var/lib/mysql',
    env: { MYSQL_DATABASE: 'dokkimi', MYSQL_USER: 'dokkimi', MYSQL_PASSWORD: 'dokkimi', MYSQL_ROOT_PASSWORD: 'dokkimi' },
  },
  redis: { ref: 'redis:7-alpine', local: 'dokkimi-local/redis:7', port: 6379, dataDir: '/data', env: {} },
} as const

const LABEL = `dokkimi.run=test-utils-${process.pid}`
const running = new Set<string>()
let exitHookInstalled = false

/** The image standing in for `ref`: from the DOKKIMI_IMAGES map file when set, else `fallback`. */
function imageFor(ref: string, fallback: string): string {
  const file = process.env.DOKKIMI_IMAGES
  if (!file) return fallback
  const map = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
  return map[ref] ?? fallback
}

/**
 * A shell command, run inside the container against its own network address (so through real
 * authentication, not the local trust rules), that succeeds once the engine answers a query.
 */
function probe(engine: TestDatabaseEngine, env: Record<string, string>, cmd: string[] | undefined): string[] {
  switch (engine) {
    case 'postgres': {
      const user = env.POSTGRES_USER ?? 'postgres'
      return [
        'env',
        `PGPASSWORD=${env.POSTGRES_PASSWORD ?? ''}`,
        'sh',
        '-c',
        'psql -h "$(hostname -i | cut -d" " -f1)" -U "$0" -d "$1" -tAc "SELECT 1" >/dev/null',
        user,
        env.POSTGRES_DB ?? user,
      ]
    }
    case 'mysql':
      return [
        'env',
        `MYSQL_PWD=${env.MYSQL_ROOT_PASSWORD ?? ''}`,
        'sh',
        '-c',
        'mysql -h "$(hostname -i | cut -d" " -f1)" -P 3306 -uroot -e "SELECT 1" >/dev/null',
      ]
    case 'redis': {
      const args = cmd ?? []
      const i = args.indexOf('--requirepass')
      const password = i === -1 ? '' : (args[i + 1] ?? '')
      const auth = password === '' ? [] : [`REDISCLI_AUTH=${password}`]
      return ['env', ...auth, 'sh', '-c', 'test "$(redis-cli -h "$(hostname -i | cut -d" " -f1)" ping)" = PONG']
    }
  }
}

async function removeContainer(id: string): Promise<void> {
  running.delete(id)
  await exec('docker', ['rm', '-f', '-v', id]).catch(() => undefined)
}

/**
 * Starts a database container from the local images (`bash scripts/local-images.sh`), publishes
 * its port on 127.0.0.1 and resolves once an authenticated query succeeds, which the images only
 * allow after their init files ran. The caller stops it, typically in `afterAll(() => db.stop())`;
 * containers still running when the process exits are removed then.
 */
export async function startDatabaseContainer(options: DatabaseContainerOptions): Promise<StartedDatabaseContainer> {
  const spec = ENGINES[options.database]
  const image = options.image ?? imageFor(spec.ref, spec.local)
  try {
    await exec('docker', ['image', 'inspect', '--format', '{{.Id}}', image])
  } catch {
    throw new Error(`Docker image ${image} is not available (no registry can be reached here). Build the local images first: bash scripts/local-images.sh`)
  }
  const env: Record<string, string> = options.env ?? { ...spec.env }
  const args = ['run', '-d', '--label', LABEL, '--tmpfs', spec.dataDir, '-p', `127.0.0.1::${spec.port}`]
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`)
  if (options.initDir) args.push('-v', `${options.initDir}:/docker-entrypoint-initdb.d:ro`)
  args.push(image, ...(options.cmd ?? []))
  const id = (await exec('docker', args)).stdout.trim()
  running.add(id)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const leftover of running) {
        try {
          execFileSync('docker', ['rm', '-f', '-v', leftover], { stdio: 'ignore' })
        } catch {
          // already gone
        }
      }
    })
  }
  try {
    const mapped = (await exec('docker', ['port', id, `${spec.port}/tcp`])).stdout.trim().split('\n')[0] ?? ''
    const port = Number(mapped.slice(mapped.lastIndexOf(':') + 1))
    await waitUntilReady(id, probe(options.database, env, options.cmd), options.readyTimeoutMs ?? 60_000)
    return { id, host: '127.0.0.1', port, stop: () => removeContainer(id) }
  } catch (error) {
    await removeContainer(id)
    throw error
  }
}

async function waitUntilReady(id: string, command: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await exec('docker', ['exec', id, ...command], { timeout: 10_000 })
      return
    } catch {
      // not ready yet
    }
    const state = (await exec('docker', ['inspect', '--format', '{{.State.Running}}', id])).stdout.trim()
    if (state !== 'true' || Date.now() > deadline) {
      const logs = await exec('docker', ['logs', '--tail', '30', id]).then(
        (r) => r.stdout + r.stderr,
        () => '',
      )
      const why = state !== 'true' ? 'exited' : `did not answer a query within ${timeoutMs} ms`
      throw new Error(`database container ${id.slice(0, 12)} ${why}; last log lines:\n${logs}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
