/**
 * Benchmark: time to a ready environment, Dokkimi's Docker runtime vs the equivalent
 * docker-compose (v1) project. Topology: three HTTP services (the echo fixture) + postgres with an
 * init file, one stage.
 *
 *   pnpm exec tsx --conditions=@dokkimi/source bench/env-up/run.ts [--runs=5] [--warmup=1]
 *
 * Images (fixture, interceptor, postgres) are built or checked before timing. Runs alternate
 * between the two so that both see the same machine state.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs'
import { cpus, homedir, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createEnvironment, loadDefinitions, type PlannedDatabase } from '../../packages/core/src/index.js'
import type { DockerEnvironment } from '../../packages/runtime-docker/src/_docker-environment.js'
import { mapImage } from '../../packages/runtime-docker/src/_image-map.js'
import { buildLocalImage, ImageStore } from '../../packages/runtime-docker/src/_images.js'
import { probeDatabase, probeHttp } from '../../packages/runtime-docker/src/_probes.js'
import { docker, type DockerRuntime } from '../../packages/runtime-docker/src/index.js'

const exec = promisify(execFile)
const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k!, v ?? 'true'] as const }))
const RUNS = Number(args.get('runs') ?? 5)
const WARMUP = Number(args.get('warmup') ?? 1)
const TARGET_RATIO = 0.8
const TARGET_OVERHEAD_MS = 300
const FIXTURE = fileURLToPath(new URL('../../packages/runtime-docker/test/fixtures/echo.mjs', import.meta.url))

const mapFile = process.env.DOKKIMI_IMAGES ?? join(homedir(), '.cache', 'dokkimi', 'local-images.json')
const imageMap: Record<string, string> = existsSync(mapFile) ? (JSON.parse(readFileSync(mapFile, 'utf8')) as Record<string, string>) : {}
const runtime = (await docker({ images: imageMap }).create()) as DockerRuntime
const client = runtime.getInstance()

// --- images, before any timing ---
const store = new ImageStore(client)
const nodeBase = mapImage(imageMap, 'node:20')
const echo = await buildLocalImage(client, store, {
  repository: 'dokkimi-fixtures/echo',
  base: nodeBase,
  baseId: await store.ensure(nodeBase, { pull: 'missing' }),
  dockerfile: 'COPY echo.mjs /app/echo.mjs\nCMD ["node", "/app/echo.mjs"]',
  files: { 'echo.mjs': FIXTURE },
})
const postgres = mapImage(imageMap, 'postgres:15')
await store.ensure(postgres, { pull: 'missing' })
await runtime.interceptorImage()

// --- the project, both ways ---
const dir = mkdtempSync(join(tmpdir(), 'dokkimi-bench-env-up-'))
mkdirSync(join(dir, 'init'))
const initSql = 'CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL);\nINSERT INTO orders (item) VALUES (\'a\'), (\'b\');\n'
writeFileSync(join(dir, 'init', '01-schema.sql'), initSql)
const services = ['svc-a', 'svc-b', 'svc-c']
const serviceEnv = (name: string) => ({ SERVICE_NAME: name, PORT: '8080', DATABASE_URL: 'postgres://dokkimi:dokkimi@db:5432/dokkimi' })
writeFileSync(
  join(dir, 'dokkimi.yaml'),
  `name: env-up
items:
  - { type: DATABASE, name: db, database: postgres, version: '15', initFilePaths: [init/01-schema.sql] }
${services.map((s) => `  - { type: SERVICE, name: ${s}, image: '${echo}', port: 8080, healthCheck: /health, env: [${Object.entries(serviceEnv(s)).map(([k, v]) => `{ name: ${k}, value: '${v}' }`).join(', ')}] }`).join('\n')}
`,
)
const { definitions, errors } = loadDefinitions(join(dir, 'dokkimi.yaml'))
if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'))
const definition = definitions[0]!

// Same conventions as the plan: credentials, fsync off, data on tmpfs, port on 127.0.0.1.
writeFileSync(
  join(dir, 'docker-compose.yml'),
  `version: '2.4'
services:
  db:
    image: ${postgres}
    environment: { POSTGRES_DB: dokkimi, POSTGRES_USER: dokkimi, POSTGRES_PASSWORD: dokkimi }
    command: [postgres, -c, fsync=off, -c, synchronous_commit=off, -c, full_page_writes=off]
    tmpfs: [/var/lib/postgresql/data]
    volumes: ['./init/01-schema.sql:/docker-entrypoint-initdb.d/00_01-schema.sql:ro']
    ports: ['127.0.0.1::5432']
${services
  .map(
    (s) => `  ${s}:
    image: ${echo}
    environment: ${JSON.stringify(serviceEnv(s))}`,
  )
  .join('\n')}
`,
)
const dbItem = { kind: 'database', name: 'db', engine: 'postgres', port: 5432, image: postgres, stage: 0, credentials: { dbName: 'dokkimi', dbUser: 'dokkimi', dbPassword: 'dokkimi' } } as PlannedDatabase

interface Sample {
  readyMs: number
  /** The container with the longest own boot-to-healthy. */
  slowest: string
  /** Its own boot-to-healthy: engine State.StartedAt → first successful readiness probe. */
  slowestBootMs: number
  /** From the call to the slowest container's StartedAt (part of the overhead). */
  slowestStartedMs: number
  /** From the call to the first container's StartedAt. */
  firstStartMs: number
}

async function startedAt(id: string): Promise<number> {
  return new Date((await client.getContainer(id).inspect()).State.StartedAt).getTime()
}

/** Per container: StartedAt and when it was healthy (epoch ms) → the sample. */
function sample(t0: number, readyMs: number, containers: Array<{ name: string; started: number; healthy: number }>): Sample {
  const slowest = containers.reduce((a, b) => (b.healthy - b.started > a.healthy - a.started ? b : a))
  return {
    readyMs,
    slowest: slowest.name,
    slowestBootMs: slowest.healthy - slowest.started,
    slowestStartedMs: slowest.started - t0,
    firstStartMs: Math.min(...containers.map((c) => c.started)) - t0,
  }
}

async function dokkimiRun(): Promise<Sample> {
  const t0 = Date.now()
  const env = await createEnvironment(definition, { runtime })
  const readyMs = Date.now() - t0
  const docked = env.runtimeEnvironment as DockerEnvironment
  const containers: Array<{ name: string; started: number; healthy: number }> = []
  for (const [item, id] of Object.entries(docked.resources.containers)) {
    const healthy = docked.readyAt[item]
    if (healthy !== undefined) containers.push({ name: item, started: await startedAt(id), healthy })
  }
  // The interceptor is a container too (older runtimes did not record when it was healthy).
  const interceptorReadyAt = (docked as { interceptorReadyAt?: number }).interceptorReadyAt
  if (interceptorReadyAt !== undefined) containers.push({ name: 'interceptor', started: await startedAt(docked.resources.interceptor!), healthy: interceptorReadyAt })
  await env.stop()
  return sample(t0, readyMs, containers)
}

/** Polls like the runtime does early on (every 25 ms): every service's /health on its IP, postgres by query. */
async function composeRun(index: number): Promise<Sample> {
  const project = `dokkimibench${process.pid}x${index}`
  const compose = (...a: string[]) => exec('docker-compose', ['-p', project, '-f', join(dir, 'docker-compose.yml'), ...a], { cwd: dir })
  const t0 = Date.now()
  await compose('up', '-d', '--no-color', '--quiet-pull')
  const listed = await client.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } })
  const containers = await Promise.all(
    listed.map(async (c) => {
      const name = c.Labels['com.docker.compose.service']!
      const info = await client.getContainer(c.Id).inspect()
      const ip = Object.values(info.NetworkSettings.Networks)[0]!.IPAddress
      const port = Number(info.NetworkSettings.Ports['5432/tcp']?.[0]?.HostPort ?? 0)
      for (;;) {
        const r = name === 'db' ? await probeDatabase(dbItem, ip, { host: '127.0.0.1', port }, 2000) : await probeHttp(ip, 8080, '/health', 2000)
        if (r.ok) break
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      return { name, healthy: Date.now(), started: new Date(info.State.StartedAt).getTime() }
    }),
  )
  const readyMs = Date.now() - t0
  await compose('down', '-v', '--timeout', '0')
  return sample(t0, readyMs, containers)
}

/**
 * The engine alone, no orchestrator: create a network (the engine picks the subnet), create the
 * postgres container on it, start it; the time to its StartedAt. Nothing that gives each run its
 * own network starts a first container sooner, so when the slowest container is the first one
 * started (postgres, here), this bounds the overhead from below.
 */
async function engineFloor(index: number): Promise<number> {
  const name = `dokkimi-bench-floor-${process.pid}-${index}`
  const t0 = Date.now()
  const network = await client.createNetwork({ Name: name, Driver: 'bridge' })
  try {
    const container = await client.createContainer({
      name,
      Image: postgres,
      Env: ['POSTGRES_PASSWORD=dokkimi'],
      ExposedPorts: { '5432/tcp': {} },
      HostConfig: { NetworkMode: name, PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, Tmpfs: { '/var/lib/postgresql/data': 'rw' } },
    })
    try {
      await container.start()
      return (await startedAt(container.id)) - t0
    } finally {
      await container.remove({ force: true, v: true })
    }
  } finally {
    await network.remove()
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

console.log(`env-up bench: Node ${process.version}, ${cpus().length} CPUs; ${(await client.version()).Version} engine; ${(await exec('docker-compose', ['version', '--short'])).stdout.trim()} docker-compose`)
console.log(`topology: postgres (${postgres}) + 3 services (${echo}); ${WARMUP} warm-up + ${RUNS} runs each, alternating; load average ${loadavg()[0]!.toFixed(1)}\n`)

const dok: Sample[] = []
const com: Sample[] = []
const floors: number[] = []
const show = (s: Sample) => `${String(s.readyMs).padStart(5)} ms, overhead ${String(s.readyMs - s.slowestBootMs).padStart(4)} ms (slowest ${s.slowest}: started at +${s.slowestStartedMs} ms, boot→healthy ${s.slowestBootMs} ms)`
try {
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const d = await dokkimiRun()
    const c = await composeRun(i)
    const f = await engineFloor(i)
    const tag = i < WARMUP ? 'warm-up' : `run ${i - WARMUP + 1}`
    console.log(`${tag.padEnd(8)} dokkimi ${show(d)}\n${''.padEnd(8)} compose ${show(c)}\n${''.padEnd(8)} engine floor ${f} ms`)
    if (i >= WARMUP) {
      dok.push(d)
      com.push(c)
      floors.push(f)
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
  await runtime.dispose()
}

const row = (label: string, samples: Sample[]) => {
  const m = (f: (s: Sample) => number) => `${median(samples.map(f))} ms`
  return `| ${label} | ${m((s) => s.readyMs)} | ${m((s) => s.readyMs - s.slowestBootMs)} | ${m((s) => s.slowestStartedMs)} | ${m((s) => s.readyMs - s.slowestStartedMs - s.slowestBootMs)} | ${m((s) => s.slowestBootMs)} | ${m((s) => s.firstStartMs)} |`
}
const dokReady = median(dok.map((s) => s.readyMs))
const comReady = median(com.map((s) => s.readyMs))
const overhead = median(dok.map((s) => s.readyMs - s.slowestBootMs))
const ratio = dokReady / comReady
console.log(`
overhead = time to ready − the slowest container's own boot-to-healthy, where a container's
boot-to-healthy runs from its State.StartedAt (set by the engine when its start call completes and
its process runs) to its first successful readiness probe; so overhead = (call → slowest container's
StartedAt) + (its healthy → ready). Every container counts, the interceptor included.
engine floor = bare API calls, no orchestrator: network create + postgres create + start → StartedAt.

| | median time to ready | overhead | of which: call → slowest's StartedAt | of which: its healthy → ready | slowest's boot→healthy | first container started after |
| --- | --- | --- | --- | --- | --- | --- |
${row('dokkimi (createEnvironment)', dok)}
${row('docker-compose up -d + polling', com)}

engine floor (median): ${median(floors)} ms
ratio dokkimi / compose: ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})
dokkimi overhead: ${overhead} ms (target < ${TARGET_OVERHEAD_MS} ms: ${overhead < TARGET_OVERHEAD_MS ? 'met' : 'NOT met'}; engine floor ${median(floors)} ms)`)
