#!/usr/bin/env node
// Builds the example's five service images without any registry:
//   1. bundles services/<name>/src/index.ts (with lib/ and, for order-service, `pg`) into one
//      file, services/<name>/dist/index.mjs, with the workspace's esbuild;
//   2. `docker build`s services/<name> as dokkimi-example/<name>:dev; the Dockerfile only COPYs
//      the bundle onto a Node base image, so nothing is downloaded inside the build.
// An image whose label dokkimi.example.hash already equals the hash of its inputs (bundle,
// Dockerfile, base image) is not rebuilt.
//
// Usage: node scripts/build-images.mjs [--force] [service ...]
// Env:   DOKKIMI_IMAGES  image-map JSON (official reference → local image), as written by the
//                        repository's scripts/local-images.sh; default ~/.cache/dokkimi/local-images.json
//                        when that file exists. The base image node:20-slim is looked up in it.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'

const EXAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const REPO = resolve(EXAMPLE, '../..')
const SERVICES = ['api-gateway', 'order-service', 'payment-service', 'shipping-service', 'notification-service']
const IMAGE_PREFIX = 'dokkimi-example'
const TAG = 'dev'
const DEFAULT_NODE_IMAGE = 'node:20-slim' // the Dockerfiles' ARG default
const LABEL = 'dokkimi.example.hash'

const out = (line) => process.stdout.write(`[build-images] ${line}\n`)
const die = (line) => {
  process.stderr.write(`[build-images] error: ${line}\n`)
  process.exit(1)
}

function parseArgs(argv) {
  const force = argv.includes('--force')
  const names = argv.filter((a) => !a.startsWith('--'))
  for (const n of names) if (!SERVICES.includes(n)) die(`unknown service "${n}"; one of: ${SERVICES.join(', ')}`)
  return { force, services: names.length ? names : SERVICES }
}

/** esbuild from the workspace: through tsup (a root devDependency), else the pnpm store. */
async function loadEsbuild() {
  const candidates = []
  const tsup = join(REPO, 'node_modules/tsup/package.json')
  if (existsSync(tsup)) {
    try {
      candidates.push(createRequire(realpathSync(tsup)).resolve('esbuild'))
    } catch {
      // tsup without esbuild next to it: fall through to the store
    }
  }
  const store = join(REPO, 'node_modules/.pnpm')
  if (existsSync(store)) {
    const versions = readdirSync(store)
      .filter((d) => /^esbuild@\d/.test(d))
      .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    for (const v of versions) candidates.push(join(store, v, 'node_modules/esbuild/lib/main.js'))
  }
  for (const c of candidates) if (existsSync(c)) return (await import(pathToFileURL(c).href)).default
  die('esbuild not found in the workspace; run `pnpm install` at the repository root first')
}

/** Where `pg` (and its dependencies) resolve from: the workspace install of @dokkimi/core. */
function nodePaths() {
  const paths = [join(REPO, 'packages/core/node_modules'), join(REPO, 'node_modules')].filter(existsSync)
  if (!paths.some((p) => existsSync(join(p, 'pg/package.json')))) die('`pg` is not installed in the workspace (expected packages/core/node_modules/pg); run `pnpm install` at the repository root')
  return paths
}

function nodeImage() {
  const file = process.env.DOKKIMI_IMAGES || join(homedir(), '.cache/dokkimi/local-images.json')
  if (!existsSync(file)) {
    if (process.env.DOKKIMI_IMAGES) die(`DOKKIMI_IMAGES points at ${file}, which does not exist`)
    return DEFAULT_NODE_IMAGE
  }
  let map
  try {
    map = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    die(`cannot read the image map ${file}: ${error.message}`)
  }
  const mapped = map[DEFAULT_NODE_IMAGE]
  return typeof mapped === 'string' && mapped ? mapped : DEFAULT_NODE_IMAGE
}

function run(cmd, args, { input } = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('error', (error) => resolveRun({ code: -1, output: `${output}${error.message}` }))
    child.on('close', (code) => resolveRun({ code, output }))
    child.stdin.end(input)
  })
}

async function bundle(esbuild, name, paths) {
  const dir = join(EXAMPLE, 'services', name)
  const outfile = join(dir, 'dist/index.mjs')
  await esbuild.build({
    entryPoints: [join(dir, 'src/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    nodePaths: paths,
    // Not tsconfig.json: its `paths` point `pg` at the type declarations (for tsc only).
    tsconfigRaw: {},
    // pg's optional native binding is never used.
    external: ['pg-native'],
    // Bundled CommonJS code (pg) calls require() for Node built-ins.
    banner: { js: "import { createRequire as __dokkimiCreateRequire } from 'node:module';\nconst require = __dokkimiCreateRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  })
  return outfile
}

async function imageHash(image) {
  const r = await run('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${LABEL}" }}`, image])
  return r.code === 0 ? r.output.trim() : undefined
}

async function main() {
  const { force, services } = parseArgs(process.argv.slice(2))
  const docker = await run('docker', ['info', '--format', '{{.ServerVersion}}'])
  if (docker.code !== 0) die('no Docker engine answers (`docker info` failed); start one first (in this repository: bash scripts/ensure-docker.sh)')

  const base = nodeImage()
  const baseId = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', base])
  // An official image that is not present yet is pulled by the build; a mapped one must exist.
  if (baseId.code !== 0 && base !== DEFAULT_NODE_IMAGE) die(`base image ${base} is not present; build it first (in this repository: bash scripts/local-images.sh)`)
  out(`base image ${base}`)

  const esbuild = await loadEsbuild()
  const paths = nodePaths()
  const started = Date.now()
  const results = await Promise.all(
    services.map(async (name) => {
      const image = `${IMAGE_PREFIX}/${name}:${TAG}`
      const dir = join(EXAMPLE, 'services', name)
      let file
      try {
        file = await bundle(esbuild, name, paths)
      } catch (error) {
        return { name, image, status: 'failed', output: `${error.message}\n` }
      }
      const hash = createHash('sha256')
        .update(readFileSync(file))
        .update(readFileSync(join(dir, 'Dockerfile')))
        .update(`${base}\n${baseId.code === 0 ? baseId.output.trim() : ''}`)
        .digest('hex')
        .slice(0, 16)
      if (!force && (await imageHash(image)) === hash) return { name, image, status: 'up to date' }
      const t0 = Date.now()
      const build = await run('docker', ['build', '--quiet', '--tag', image, '--build-arg', `NODE_IMAGE=${base}`, '--label', `${LABEL}=${hash}`, dir])
      if (build.code !== 0) return { name, image, status: 'failed', output: build.output }
      return { name, image, status: `built in ${((Date.now() - t0) / 1000).toFixed(1)} s` }
    }),
  )
  for (const r of results) {
    out(`${r.image}: ${r.status}`)
    if (r.output) process.stderr.write(r.output.replace(/^/gm, '    '))
  }
  const failed = results.filter((r) => r.status === 'failed')
  if (failed.length) die(`${failed.length} image(s) failed to build: ${failed.map((r) => r.name).join(', ')}`)
  out(`${results.length} image(s) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

await main()
