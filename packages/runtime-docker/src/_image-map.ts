// The image map (ARCHITECTURE.md §6): config.yaml `images:` plus DOKKIMI_IMAGES (a JSON file path
// or inline JSON), which wins. Lets a registry mirror or locally built images stand in for official ones.
import { readFileSync } from 'node:fs'
import { DokkimiError } from '@dokkimi/core'

export type ImageMap = Readonly<Record<string, string>>

/** The `images` option merged with DOKKIMI_IMAGES (the env wins, key by key). */
export function loadImageMap(option: Record<string, string> | undefined, env: string | undefined = process.env.DOKKIMI_IMAGES): ImageMap {
  return { ...option, ...parseEnvMap(env) }
}

function parseEnvMap(value: string | undefined): Record<string, string> {
  const text = value?.trim()
  if (!text) return {}
  const inline = text.startsWith('{')
  let parsed: unknown
  try {
    parsed = JSON.parse(inline ? text : readFileSync(text, 'utf8'))
  } catch (error) {
    const what = inline ? 'inline JSON' : `file "${text}"`
    throw new DokkimiError('RUNTIME_UNAVAILABLE', `[dokkimi] [docker] DOKKIMI_IMAGES (${what}) could not be read: ${(error as Error).message}. Expected a JSON object such as {"postgres:15": "mirror.local/postgres:15"}`, {
      cause: error,
    })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new DokkimiError('RUNTIME_UNAVAILABLE', `[dokkimi] [docker] DOKKIMI_IMAGES must be a JSON object of image reference → image reference strings`)
  }
  return parsed as Record<string, string>
}

/** Splits `repo[:tag][@digest]`; a `:` before the last `/` belongs to a registry host. */
export function splitReference(ref: string): { repository: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@')
  const digest = at >= 0 ? ref.slice(at + 1) : undefined
  const name = at >= 0 ? ref.slice(0, at) : ref
  const colon = name.lastIndexOf(':')
  const hasTag = colon > name.lastIndexOf('/')
  return {
    repository: hasTag ? name.slice(0, colon) : name,
    ...(hasTag ? { tag: name.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  }
}

/** `docker.io/library/postgres:15` → `postgres:15`, so both spellings hit the same map key. */
function shortName(ref: string): string {
  return ref.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '')
}

/** Rewrites `ref` through the map: the exact reference first, then its repository without tag. */
export function mapImage(map: ImageMap, ref: string): string {
  for (const candidate of new Set([ref, shortName(ref)])) {
    const exact = map[candidate]
    if (exact) return exact
  }
  for (const candidate of new Set([ref, shortName(ref)])) {
    const { repository, tag, digest } = splitReference(candidate)
    const value = map[repository]
    if (!value) continue
    if (digest || splitReference(value).tag !== undefined) return value
    return tag === undefined ? value : `${value}:${tag}`
  }
  return ref
}
