// resolveDefinitionValue(): an in-memory definition resolves exactly as the same file would.
import { join } from 'node:path'
import { resolveDefinition, resolveDefinitionValue } from '@dokkimi/resolver'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'

const ITEMS = {
  name: 'checkout',
  config: { timeoutSeconds: 60 },
  variables: { REGION: 'eu' },
  items: [
    { $ref: './shared/api.yaml', port: 8080 },
    { type: 'DATABASE', name: 'orders-db', database: 'postgres', initFilePaths: ['./init/seed.sql'] },
    { type: 'MOCK', name: 'stripe', mockTarget: 'api.stripe.com', mockPath: '/v1/charges', mockMethod: 'post' },
  ],
  tests: [{ name: 'ping', steps: [{ action: { type: 'httpRequest', method: 'GET', url: 'api/health' } }] }],
}

function project(): string {
  return testdir({
    '.dokkimi/config.yaml': 'env: { API_TAG: "1.2" }\n',
    '.dokkimi/shared/api.yaml': 'type: SERVICE\nname: api\nimage: api:${{API_TAG}}\nport: 3000\nhealthCheck: /health\nenv: [{ name: REGION, value: "{{REGION}}" }]\n',
    '.dokkimi/init/seed.sql': 'select 1;\n',
    '.dokkimi/checkout.json': JSON.stringify(ITEMS),
  })
}

describe('resolveDefinitionValue', () => {
  it('gives the Definition the same content gives as a file: $ref, config env, init files, defaults', () => {
    const dir = project()
    const file = join(dir, '.dokkimi/checkout.json')
    const fromFile = resolveDefinition(file)
    const fromValue = resolveDefinitionValue(ITEMS, { file })
    expect(fromValue).toEqual(fromFile)
    expect(fromValue.ok && fromValue.value.items[0]).toMatchObject({ image: 'api:1.2', port: 8080, env: [{ name: 'REGION', value: 'eu' }], source: join(dir, '.dokkimi/shared/api.yaml') })
  })

  it('resolves relative to a file that does not exist, with the enclosing .dokkimi/ as project, or the given root', () => {
    const dir = project()
    const virtual = join(dir, '.dokkimi/in-memory')
    const r = resolveDefinitionValue(ITEMS, { file: virtual })
    expect(r.ok && r.value.file).toBe(virtual)
    expect(r.ok && r.value.items.find((i) => i.type === 'DATABASE')).toMatchObject({ initFiles: [{ path: './init/seed.sql', absolutePath: join(dir, '.dokkimi/init/seed.sql') }] })
    // Another root: init files must live inside it, and its config (none here) applies.
    const outside = resolveDefinitionValue(ITEMS, { file: virtual, root: join(dir, '.dokkimi/shared') })
    expect(!outside.ok && outside.errors.map((i) => i.code)).toEqual(['CONFIG_REFERENCE_UNRESOLVED'])
    const db = resolveDefinitionValue({ name: 'db', items: [ITEMS.items[1]] }, { file: virtual, root: join(dir, '.dokkimi/shared') })
    expect(!db.ok && db.errors.map((i) => i.code)).toEqual(['INIT_FILE_OUTSIDE_PROJECT'])
  })

  it('reports what the file would: schema issues at the path, fragment issues at the fragment line', () => {
    const dir = project()
    const r = resolveDefinitionValue({ name: 'bad', items: [{ $ref: './shared/api.yaml', port: 'x' }, { type: 'MOCK', name: 'm', mockTarget: '', mockPath: '/' }] }, { file: join(dir, '.dokkimi/in-memory') })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.errors.map((i) => `${i.code} ${i.path}`)).toEqual(['PORT_INVALID items[0].port', 'MOCK_TARGET_INVALID items[1].mockTarget'])
    const fragment = testdir({ 'api.yaml': 'type: SERVICE\nname: api\nimage: api\nport: 70000\nhealthCheck: /health\n' })
    const f = resolveDefinitionValue({ name: 'frag', items: [{ $ref: './api.yaml' }] }, { file: join(fragment, 'x') })
    expect(!f.ok && f.errors.map((i) => `${i.code} ${i.file.replace(fragment, '<dir>')}:${i.line}`)).toEqual(['PORT_INVALID <dir>/api.yaml:4'])
  })

  it('refuses a value that is not a definition, and never changes the value it is given', () => {
    const r = resolveDefinitionValue({ items: [] }, { file: '/nowhere/x' })
    expect(!r.ok && r.errors.map((i) => i.code)).toEqual(['TARGET_NOT_DEFINITION'])
    const dir = project()
    const value = structuredClone(ITEMS)
    const ok = resolveDefinitionValue(value, { file: join(dir, '.dokkimi/x') })
    expect(value).toEqual(ITEMS)
    if (ok.ok) (ok.value.tests[0]!.steps![0]!.action as { url: string }).url = 'changed'
    expect(value.tests[0]!.steps[0]!.action.url).toBe('api/health')
  })
})
