import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { loadImageMap, mapImage, splitReference } from '../src/_image-map.js'

describe('image map', () => {
  const map = {
    'postgres:15': 'dokkimi-local/postgres:15',
    postgres: 'mirror.local/postgres',
    redis: 'dokkimi-local/redis:7',
    'node:20-slim': 'dokkimi-local/node:20',
  }

  it('rewrites the exact reference first, then the repository, keeping the tag when the value has none', () => {
    expect(mapImage(map, 'postgres:15')).toBe('dokkimi-local/postgres:15')
    expect(mapImage(map, 'postgres:16')).toBe('mirror.local/postgres:16')
    expect(mapImage(map, 'postgres')).toBe('mirror.local/postgres')
    expect(mapImage(map, 'redis:7-alpine')).toBe('dokkimi-local/redis:7')
    expect(mapImage(map, 'docker.io/library/node:20-slim')).toBe('dokkimi-local/node:20')
    expect(mapImage(map, 'mysql:8')).toBe('mysql:8')
    expect(mapImage({}, 'anything:1')).toBe('anything:1')
  })

  it('splits references with registry ports and digests', () => {
    expect(splitReference('localhost:5000/team/api:1.2')).toEqual({ repository: 'localhost:5000/team/api', tag: '1.2' })
    expect(splitReference('localhost:5000/team/api')).toEqual({ repository: 'localhost:5000/team/api' })
    expect(splitReference('api@sha256:abc')).toEqual({ repository: 'api', digest: 'sha256:abc' })
  })

  it('merges DOKKIMI_IMAGES (file or inline JSON) over the option', () => {
    const dir = testdir({})
    const file = join(dir, 'map.json')
    writeFileSync(file, JSON.stringify({ 'postgres:15': 'from-file/postgres:15' }))
    expect(loadImageMap({ 'postgres:15': 'option/postgres:15', redis: 'option/redis' }, file)).toEqual({ 'postgres:15': 'from-file/postgres:15', redis: 'option/redis' })
    expect(loadImageMap({ redis: 'option/redis' }, '{"redis": "inline/redis"}')).toEqual({ redis: 'inline/redis' })
    expect(loadImageMap(undefined, '')).toEqual({})
  })

  it('fails with a clear message on a bad DOKKIMI_IMAGES', () => {
    expect(() => loadImageMap(undefined, '/nonexistent/map.json')).toThrowErrorMatchingInlineSnapshot(
      `[DokkimiError: [dokkimi] [docker] DOKKIMI_IMAGES (file "/nonexistent/map.json") could not be read: ENOENT: no such file or directory, open '/nonexistent/map.json'. Expected a JSON object such as {"postgres:15": "mirror.local/postgres:15"}]`,
    )
    expect(() => loadImageMap(undefined, '{"a": 1}')).toThrowErrorMatchingInlineSnapshot(`[DokkimiError: [dokkimi] [docker] DOKKIMI_IMAGES must be a JSON object of image reference → image reference strings]`)
  })
})
