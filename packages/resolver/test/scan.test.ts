import { join } from 'node:path'
import { loadDefinitions } from '@dokkimi/resolver'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'

const def = (name: string) => `name: ${name}\nitems:\n  - {type: DATABASE, name: db, database: redis}\n`
const project = {
  'app/.dokkimi/config.yaml': 'env: {}\n',
  'app/.dokkimi/.dokignore': '# experiments are local only\nexperiments/\n**/wip-*.yaml\ndefinitions/broken-test.json\n',
  'app/.dokkimi/definitions/auth.yaml': def('auth'),
  'app/.dokkimi/definitions/checkout.yml': def('checkout'),
  'app/.dokkimi/definitions/wip-payments.yaml': def('wip-payments'),
  'app/.dokkimi/definitions/broken-test.json': JSON.stringify({ name: 'broken', items: [{ type: 'DATABASE', name: 'db', database: 'redis' }] }),
  'app/.dokkimi/experiments/exp.yaml': def('exp'),
  'app/.dokkimi/shared/db.yaml': 'type: DATABASE\nname: db\ndatabase: redis\n',
  'app/.dokkimi/.hidden/secret.yaml': def('hidden'),
  'app/.dokkimi/init/seed.sql': 'SELECT 1;',
  'app/src/index.ts': 'export {}',
}
const names = (r: ReturnType<typeof loadDefinitions>) => r.definitions.map((d) => d.name).sort()

describe('scanning (F-001, F-002, F-004, F-005)', () => {
  it('finds the nearest .dokkimi/ from a folder below the project and skips dot files and fragments', () => {
    const root = testdir(project)
    const r = loadDefinitions(undefined, { cwd: join(root, 'app/src') })
    expect(r.root).toBe(join(root, 'app/.dokkimi'))
    expect(names(r)).toEqual(['auth', 'broken', 'checkout', 'exp', 'wip-payments'])
    expect(r.files.find((f) => f.file.endsWith('shared/db.yaml'))?.kind).toBe('fragment')
    expect(r.errors).toEqual([])
  })

  it('scans only the subtree when started inside .dokkimi/', () => {
    const root = testdir(project)
    expect(names(loadDefinitions(undefined, { cwd: join(root, 'app/.dokkimi/experiments') }))).toEqual(['exp'])
  })

  it('reports a missing .dokkimi/ as an issue, never a throw (V-007)', () => {
    const root = testdir({ 'x.txt': '' })
    const r = loadDefinitions(undefined, { cwd: root })
    expect(r.errors).toMatchObject([{ code: 'PROJECT_NOT_FOUND', rule: 'V-007' }])
  })
})

describe('targets (F-301)', () => {
  it('accepts a project folder, the .dokkimi folder, a file, a glob, a regex and a substring', () => {
    const root = testdir(project)
    const cwd = join(root, 'app')
    expect(names(loadDefinitions('.', { cwd }))).toHaveLength(5)
    expect(names(loadDefinitions('.dokkimi', { cwd }))).toHaveLength(5)
    expect(names(loadDefinitions('.dokkimi/definitions/auth.yaml', { cwd }))).toEqual(['auth'])
    expect(names(loadDefinitions('definitions/check*', { cwd }))).toEqual(['checkout'])
    expect(names(loadDefinitions('experiments/**', { cwd }))).toEqual(['exp'])
    expect(names(loadDefinitions('/^definitions\\/(auth|checkout)/', { cwd }))).toEqual(['auth', 'checkout'])
    expect(names(loadDefinitions('CHECK', { cwd }))).toEqual(['checkout'])
  })

  it('reports a missing file and a non-definition file (V-008)', () => {
    const root = testdir(project)
    const cwd = join(root, 'app')
    expect(loadDefinitions('.dokkimi/nope.yaml', { cwd }).errors).toMatchObject([{ code: 'TARGET_NOT_FOUND' }])
    expect(loadDefinitions('.dokkimi/init/seed.sql', { cwd }).errors).toMatchObject([{ code: 'TARGET_NOT_DEFINITION' }])
  })
})

describe('.dokignore (F-009: CI runs only)', () => {
  it('is ignored by local runs', () => {
    const root = testdir(project)
    expect(names(loadDefinitions('.', { cwd: join(root, 'app') }))).toHaveLength(5)
  })

  it('filters CI runs with .gitignore syntax, directories included', () => {
    const root = testdir(project)
    expect(names(loadDefinitions('.', { cwd: join(root, 'app'), ci: true }))).toEqual(['auth', 'checkout'])
  })

  it('never filters an explicit file target', () => {
    const root = testdir(project)
    expect(names(loadDefinitions('.dokkimi/experiments/exp.yaml', { cwd: join(root, 'app'), ci: true }))).toEqual(['exp'])
  })
})

describe('JSON and YAML are interchangeable (F-003)', () => {
  it('resolves a JSON definition referencing a YAML fragment and the reverse', () => {
    const root = testdir({
      '.dokkimi/a.json': JSON.stringify({ name: 'a', items: [{ $ref: './frag.yaml', name: 'db-a' }] }),
      '.dokkimi/frag.yaml': 'type: DATABASE\nname: db\ndatabase: postgres\nversion: "16"\n',
      '.dokkimi/b.yaml': 'name: b\nitems:\n  - $ref: ./frag.json\n',
      '.dokkimi/frag.json': '{"type": "MOCK", "name": "m", "mockTarget": "api.example.com", "mockPath": "/v1/*"}',
    })
    const r = loadDefinitions(root)
    expect(r.errors).toEqual([])
    expect(r.definitions.find((d) => d.name === 'a')?.items[0]).toMatchObject({ name: 'db-a', image: 'postgres:16', port: 5432 })
    expect(r.definitions.find((d) => d.name === 'b')?.items[0]).toMatchObject({ type: 'MOCK', mockMethod: '*', mockResponseStatus: 200, mockDelayMs: 0 })
  })
})
