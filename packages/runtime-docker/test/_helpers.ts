// Shared by the Docker tests: the image map of this machine, the fixture image (built once per
// content hash from test/fixtures/echo.mjs on the mapped node:20), and leftover checks.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadDefinitions, type Definition } from '@dokkimi/core'
import { testdir } from '@dokkimi/test-utils'
import Dockerode from 'dockerode'
import { mapImage } from '../src/_image-map.js'
import { buildLocalImage, ImageStore } from '../src/_images.js'
import { LABEL } from '../src/_labels.js'

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
export const client = new Dockerode()

/** DOKKIMI_IMAGES, else the map scripts/local-images.sh writes, else none (real registries). */
export function testImageMap(): Record<string, string> {
  const file = process.env.DOKKIMI_IMAGES ?? join(homedir(), '.cache', 'dokkimi', 'local-images.json')
  if (file.trim().startsWith('{')) return JSON.parse(file) as Record<string, string>
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {}
}

let echo: Promise<string> | undefined

/** The echo fixture image, `dokkimi-fixtures/echo:<hash>`. */
export function echoImage(): Promise<string> {
  echo ??= (async () => {
    const store = new ImageStore(client)
    const base = mapImage(testImageMap(), 'node:20')
    const baseId = await store.ensure(base, { pull: 'missing' })
    return buildLocalImage(client, store, {
      repository: 'dokkimi-fixtures/echo',
      base,
      baseId,
      dockerfile: 'COPY echo.mjs /app/echo.mjs\nCMD ["node", "/app/echo.mjs"]',
      files: { 'echo.mjs': join(FIXTURES, 'echo.mjs') },
    })
  })()
  return echo
}

/** Resources labelled `dokkimi.run` matching `label` (e.g. `dokkimi.owner-pid=123`), by kind. */
export async function leftovers(label: string = `${LABEL.ownerPid}=${process.pid}`): Promise<string[]> {
  const filters = { label: [label] }
  const [containers, networks, volumes] = await Promise.all([client.listContainers({ all: true, filters }), client.listNetworks({ filters }), client.listVolumes({ filters })])
  return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`), ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`)]
}

/** Loads one definition from inline files (written to a temp dir removed after the test). */
export function definition(files: Record<string, string>, entry = 'dokkimi.yaml'): Definition {
  const dir = testdir(files)
  const { definitions, errors } = loadDefinitions(join(dir, entry))
  if (errors.length) throw new Error(errors.map((e) => `${e.code} ${e.message}`).join('\n'))
  return definitions[0]!
}
