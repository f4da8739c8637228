// Images: present → used as is, absent → pulled (unless `pull: 'never'`), and locally built ones
// (the interceptor, test fixtures) cached by a content-hash tag, never rebuilt when it exists.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { Readable } from 'node:stream'
import { DokkimiError, type BootEvent } from '@dokkimi/core'
import type Dockerode from 'dockerode'
import { splitReference } from './_image-map.js'

export interface EnsureOptions {
  /** The item that needs the image, named in error messages. */
  item?: string
  pull: 'missing' | 'never'
  onProgress?: (event: BootEvent) => void
}

/** The engine's own words for a failed API call (dockerode puts them in `json.message`). */
export function engineReason(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') return (json as { message: string }).message.trim()
  if (typeof json === 'string' && json.trim()) return json.trim()
  return error instanceof Error ? error.message : String(error)
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode
}

/** Reads a JSON-lines progress stream (pull, build) to its end; rejects on an in-stream error. */
export function readProgress(stream: Readable): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const events: Array<Record<string, unknown>> = []
    let buffer = ''
    let failed = false
    const take = (line: string) => {
      if (!line.trim()) return
      let event: Record<string, unknown>
      try {
        event = JSON.parse(line) as Record<string, unknown>
      } catch {
        return
      }
      events.push(event)
      const error = event.error ?? (event.errorDetail as { message?: unknown } | undefined)?.message
      if (error !== undefined && !failed) {
        failed = true
        reject(new Error(String(error).trim()))
      }
    }
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        take(buffer.slice(0, nl))
        buffer = buffer.slice(nl + 1)
      }
    })
    stream.on('error', (error) => {
      if (!failed) reject(error)
      failed = true
    })
    stream.on('end', () => {
      take(buffer)
      if (!failed) resolve(events)
    })
  })
}

const AIR_GAP_HINT = 'If this host has no registry access, build local images (bash scripts/local-images.sh) and map them with DOKKIMI_IMAGES'

/** Image presence per runtime: each reference is inspected (and pulled) once, concurrently shared. */
export class ImageStore {
  private readonly ids = new Map<string, Promise<string>>()

  constructor(private readonly docker: Dockerode) {}

  /** Makes sure `ref` is present locally; resolves with its image id. */
  async ensure(ref: string, options: EnsureOptions): Promise<string> {
    const known = this.ids.get(ref)
    if (known) {
      const id = await known
      options.onProgress?.({ type: 'image', image: ref, status: 'present' })
      return id
    }
    const id = this.resolve(ref, options)
    this.ids.set(ref, id)
    id.catch(() => this.ids.delete(ref))
    return id
  }

  /** Forgets what is known about `ref` (after a build replaced it, or it was removed). */
  forget(ref: string): void {
    this.ids.delete(ref)
  }

  private async resolve(ref: string, options: EnsureOptions): Promise<string> {
    const present = await this.inspect(ref)
    if (present) {
      options.onProgress?.({ type: 'image', image: ref, status: 'present' })
      return present
    }
    const forItem = options.item ? ` (item "${options.item}")` : ''
    if (options.pull === 'never') {
      throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] image "${ref}"${forItem} is not present and pulling is off (pull: 'never'). Build or load it first, or map it to a local image with DOKKIMI_IMAGES`, {
        details: { image: ref, ...(options.item ? { item: options.item } : {}) },
      })
    }
    options.onProgress?.({ type: 'image', image: ref, status: 'pulling' })
    const { tag, digest } = splitReference(ref)
    const pullRef = tag === undefined && digest === undefined ? `${ref}:latest` : ref
    try {
      const stream = (await this.docker.pull(pullRef)) as Readable
      await readProgress(stream)
    } catch (error) {
      throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] image "${ref}"${forItem} could not be pulled: ${engineReason(error)}. ${AIR_GAP_HINT}`, {
        cause: error,
        details: { image: ref, ...(options.item ? { item: options.item } : {}) },
      })
    }
    const pulled = await this.inspect(ref)
    if (!pulled) throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] image "${ref}"${forItem} was pulled but the engine does not list it. ${AIR_GAP_HINT}`)
    options.onProgress?.({ type: 'image', image: ref, status: 'pulled' })
    return pulled
  }

  /** The image id, or undefined when the engine does not have `ref`. */
  async inspect(ref: string): Promise<string | undefined> {
    try {
      return (await this.docker.getImage(ref).inspect()).Id
    } catch (error) {
      if (statusOf(error) === 404) return undefined
      // A malformed reference is a 400 on inspect; let the pull report the engine's reason.
      if (statusOf(error) === 400) return undefined
      throw error
    }
  }
}

export interface LocalImage {
  /** Repository of the tag, e.g. `dokkimi/interceptor`. */
  repository: string
  /** The mapped base image reference, already present. */
  base: string
  baseId: string
  /** Dockerfile text; `FROM` is prepended. */
  dockerfile: string
  /** Files of the build context: name in the context → absolute path on this machine. */
  files: Record<string, string>
  labels?: Record<string, string>
}

/** `repository:<12 hex of sha256(base image id + Dockerfile + files)>`. */
export function localImageTag(image: LocalImage, contents: Buffer[]): string {
  const hash = createHash('sha256').update(image.baseId).update('\0').update(image.dockerfile)
  for (const c of contents) hash.update('\0').update(c)
  return `${image.repository}:${hash.digest('hex').slice(0, 12)}`
}

/** Builds `image` unless its content tag already exists; resolves with the tag. */
export async function buildLocalImage(docker: Dockerode, store: ImageStore, image: LocalImage, onProgress?: (event: BootEvent) => void): Promise<string> {
  const names = Object.keys(image.files).sort()
  const tag = localImageTag(image, names.map((n) => Buffer.concat([Buffer.from(n), Buffer.from('\0'), readFileSync(image.files[n]!)])))
  if (await store.inspect(tag)) {
    onProgress?.({ type: 'image', image: tag, status: 'present' })
    return tag
  }
  onProgress?.({ type: 'image', image: tag, status: 'building' })
  const context = mkdtempSync(join(tmpdir(), 'dokkimi-build-'))
  try {
    writeFileSync(join(context, 'Dockerfile'), `FROM ${image.base}\n${image.dockerfile}\n`)
    for (const name of names) copyFileSync(image.files[name]!, join(context, basename(name)))
    const stream = (await docker.buildImage({ context, src: ['Dockerfile', ...names.map((n) => basename(n))] }, { t: tag, labels: image.labels ?? {}, rm: true, forcerm: true })) as Readable
    await readProgress(stream)
  } catch (error) {
    throw new DokkimiError('ENVIRONMENT_START_FAILED', `[dokkimi] [docker] building image ${tag} on "${image.base}" failed: ${engineReason(error)}`, { cause: error, details: { image: tag, base: image.base } })
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
  onProgress?.({ type: 'image', image: tag, status: 'built' })
  return tag
}
