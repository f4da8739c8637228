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
import { cpus, homedir, tmpdir } from 'node:os'
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
  /** From the call to the first container's start (StartedAt). */
  firstStartMs: number
  /** Longest container start → first successful health check. */
  slowestBootMs: number
  slowest: string
}

async function startedAt(id: string): Promise<number> {
  return new Date((await client.getContainer(id).inspect()).State.StartedAt).getTime()
}

async function dokkimiRun(): Promise<Sample> {
  const t0 = Date.now()
  const env = await createEnvironment(definition, { runtime })
  const readyMs = Date.now() - t0
  const docked = env.runtimeEnvironment as DockerEnvironment
  let slowestBootMs = 0
  let slowest = ''
  let firstStart = Infinity
  for (const [item, id] of Object.entries(docked.resources.containers)) {
    const ready = docked.readyAt[item]
    if (ready === undefined) continue
    const started = await startedAt(id)
    firstStart = Math.min(firstStart, started)
    if (ready - started > slowestBootMs) [slowestBootMs, slowest] = [ready - started, item]
  }
  await env.stop()
  return { readyMs, firstStartMs: firstStart - t0, slowestBootMs, slowest }
}

/** Polls like the runtime does (50 ms): every service's /health on its IP, postgres by query. */
async function composeRun(index: number): Promise<Sample> {
  const project = `dokkimibench${process.pid}x${index}`
  const compose = (...a: string[]) => exec('docker-compose', ['-p', project, '-f', join(dir, 'docker-compose.yml'), ...a], { cwd: dir })
  const t0 = Date.now()
  await compose('up', '-d', '--no-color', '--quiet-pull')
  const containers = await client.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } })
  const readyAt: Record<string, number> = {}
  await Promise.all(
    containers.map(async (c) => {
      const name = c.Labels['com.docker.compose.service']!
      const info = await client.getContainer(c.Id).inspect()
      const ip = Object.values(info.NetworkSettings.Networks)[0]!.IPAddress
      const port = Number(info.NetworkSettings.Ports['5432/tcp']?.[0]?.HostPort ?? 0)
      for (;;) {
        const r = name === 'db' ? await probeDatabase(dbItem, ip, { host: '127.0.0.1', port }, 2000) : await probeHttp(ip, 8080, '/health', 2000)
        if (r.ok) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      readyAt[c.Id] = Date.now()
    }),
  )
  const readyMs = Date.now() - t0
  let slowestBootMs = 0
  let slowest = ''
  let firstStart = Infinity
  for (const c of containers) {
    const started = await startedAt(c.Id)
    firstStart = Math.min(firstStart, started)
    if (readyAt[c.Id]! - started > slowestBootMs) [slowestBootMs, slowest] = [readyAt[c.Id]! - started, c.Labels['com.docker.compose.service']!]
  }
  await compose('down', '-v', '--timeout', '0')
  return { readyMs, firstStartMs: firstStart - t0, slowestBootMs, slowest }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

console.log(`env-up bench: Node ${process.version}, ${cpus().length} CPUs; ${(await client.version()).Version} engine; ${(await exec('docker-compose', ['version', '--short'])).stdout.trim()} docker-compose`)
console.log(`topology: postgres (${postgres}) + 3 services (${echo}); ${WARMUP} warm-up + ${RUNS} runs each, alternating\n`)

const dok: Sample[] = []
const com: Sample[] = []
try {
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const d = await dokkimiRun()
    const c = await composeRun(i)
    const tag = i < WARMUP ? 'warm-up' : `run ${i - WARMUP + 1}`
    console.log(`${tag.padEnd(8)} dokkimi ${String(d.readyMs).padStart(5)} ms (slowest boot ${d.slowest} ${d.slowestBootMs} ms)   compose ${String(c.readyMs).padStart(5)} ms (slowest boot ${c.slowest} ${c.slowestBootMs} ms)`)
    if (i >= WARMUP) {
      dok.push(d)
      com.push(c)
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
  await runtime.dispose()
}

const dokReady = median(dok.map((s) => s.readyMs))
const comReady = median(com.map((s) => s.readyMs))
const overhead = median(dok.map((s) => s.readyMs - s.slowestBootMs))
const comOverhead = median(com.map((s) => s.readyMs - s.slowestBootMs))
const ratio = dokReady / comReady
console.log(`
| | median time to ready | overhead (ready − slowest container's start→healthy) | first container started after |
| --- | --- | --- | --- |
| dokkimi (createEnvironment) | ${dokReady} ms | ${overhead} ms | ${median(dok.map((s) => s.firstStartMs))} ms |
| docker-compose up -d + polling | ${comReady} ms | ${comOverhead} ms | ${median(com.map((s) => s.firstStartMs))} ms |

ratio dokkimi / compose: ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})
dokkimi overhead: ${overhead} ms (target < ${TARGET_OVERHEAD_MS} ms: ${overhead < TARGET_OVERHEAD_MS ? 'met' : 'NOT met'})`)
