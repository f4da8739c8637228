// The builder resolves to exactly what the resolver makes of the equivalent YAML.
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isResolveError, loadDefinitions, ResolveError, type Definition } from '@dokkimi/resolver'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { defineEnvironment, type EnvironmentSpec } from './define-environment.js'
import { fromYaml, mock, postgres, redis, service, worker, type ServiceOptions } from './items.js'
import { resolveEnvironmentSpec, specFile } from './resolve-environment-spec.js'

const SHARED = resolve(fileURLToPath(import.meta.url), '../../../../../examples/ecommerce/.dokkimi/shared')

// The resolved model without the fields that name the declaring file.
function portable(def: Definition): unknown {
  return { ...def, file: '<file>', items: def.items.map((i) => ({ ...i, source: i.source === def.file ? '<file>' : i.source })) }
}

function yamlDefinition(dir: string, file: string): Definition {
  const result = loadDefinitions(join(dir, file))
  expect(result.errors).toEqual([])
  return result.definitions[0]!
}

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('defineEnvironment', () => {
  it('is a plain object with baseDir = process.cwd() and flattened items', () => {
    const spec = defineEnvironment({ name: 'plain', items: [service('api', { image: 'api:dev', port: 3000, healthCheck: '/health' }), mock('api.stripe.com', [{ path: '/v1/charges' }, { path: '/v1/refunds' }])] })
    expect(spec.baseDir).toBe(process.cwd())
    expect(spec.items.map((i) => ('name' in i ? i.name : i.$ref))).toEqual(['api', 'mock-api-stripe-com-v1-charges', 'mock-api-stripe-com-v1-refunds'])
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec)
  })

  it('resolves fromYaml items (with $ref chains) to the same Definition as the YAML file', () => {
    const dir = testdir({
      '.dokkimi/checkout.yaml': `
name: checkout
config: { timeoutSeconds: 120 }
variables: { CURRENCY: usd }
items:
  - $ref: ${join(SHARED, 'api-gateway.yaml')}
  - $ref: ${join(SHARED, 'order-service.yaml')}
  - $ref: ${join(SHARED, 'mock-stripe-success.yaml')}
  - $ref: ./shared/mailer.yaml
`,
      '.dokkimi/shared/mailer.yaml': 'type: WORKER\n$ref: ./mailer-base.yaml\nname: mailer\n',
      '.dokkimi/shared/mailer-base.yaml': 'type: WORKER\nname: mailer-base\nimage: mailer:dev\nenv: [{ name: CURRENCY, value: "{{CURRENCY}}" }]\n',
    })
    const spec = defineEnvironment({
      name: 'checkout',
      baseDir: join(dir, '.dokkimi'),
      config: { timeoutSeconds: 120 },
      variables: { CURRENCY: 'usd' },
      items: [fromYaml(join(SHARED, 'api-gateway.yaml')), fromYaml(join(SHARED, 'order-service.yaml')), fromYaml(join(SHARED, 'mock-stripe-success.yaml')), fromYaml('./shared/mailer.yaml')],
    })
    expect(spec.items[3]).toEqual({ $ref: join(dir, '.dokkimi/shared/mailer.yaml') })
    const built = resolveEnvironmentSpec(spec)
    expect(built.file).toBe(specFile(spec))
    expect(built.items.map((i) => i.source)).toEqual([join(SHARED, 'api-gateway.yaml'), join(SHARED, 'order-service.yaml'), join(SHARED, 'mock-stripe-success.yaml'), join(dir, '.dokkimi/shared/mailer-base.yaml')])
    expect(portable(built)).toEqual(portable(yamlDefinition(dir, '.dokkimi/checkout.yaml')))
  })

  it('resolves hand-written builder items to the same Definition as the item files they copy', () => {
    const dir = testdir({
      'init/seed.sql': 'CREATE TABLE orders (id int);\n',
      'checkout.yaml': `
name: checkout
items:
  - $ref: ${join(SHARED, 'api-gateway.yaml')}
  - $ref: ${join(SHARED, 'order-service.yaml')}
  - $ref: ${join(SHARED, 'mock-stripe-success.yaml')}
  - { type: DATABASE, name: orders-db, database: postgres, version: '15', dbName: orders, initFilePaths: [./init/seed.sql] }
  - { type: MOCK, name: mock-api-sendgrid-com-post-v3-mail-send, mockTarget: api.sendgrid.com, mockPath: /v3/mail/send, mockMethod: POST, mockResponseStatus: 202, mockDelayMs: 50 }
  - { type: WORKER, name: mailer, image: 'mailer:dev', env: [{ name: MODE, value: test }] }
`,
    })
    const spec = defineEnvironment({
      name: 'checkout',
      baseDir: dir,
      items: [
        service('api-gateway', { image: 'dokkimi-example/api-gateway:dev', port: 3000, healthCheck: '/health', env: { ORDER_SERVICE_URL: 'http://order-service:3001' } }),
        service('order-service', {
          image: 'dokkimi-example/order-service:dev',
          port: 3001,
          healthCheck: '/health',
          env: [
            { name: 'DATABASE_URL', value: 'postgresql://dokkimi:dokkimi@postgres-db:5432/dokkimi' },
            { name: 'PAYMENT_SERVICE_URL', value: 'http://payment-service:3002' },
            { name: 'SHIPPING_SERVICE_URL', value: 'http://shipping-service:3003' },
          ],
        }),
        mock('api.stripe.com', { name: 'mock-stripe', mockPath: '/v1/charges', mockResponseStatus: 200, mockResponseHeaders: { 'content-type': 'application/json' }, mockResponseBody: { id: 'ch_test_123', object: 'charge', status: 'succeeded', amount: 2498, currency: 'usd' } }),
        postgres('orders-db', { version: '15', database: 'orders', initFiles: ['./init/seed.sql'] }),
        mock('api.sendgrid.com', [{ method: 'POST', path: '/v3/mail/send', status: 202, delayMs: 50 }]),
        worker('mailer', { image: 'mailer:dev', env: { MODE: 'test' } }),
      ],
    })
    const built = resolveEnvironmentSpec(spec)
    const yaml = yamlDefinition(dir, 'checkout.yaml')
    // Items from item files name their file; everything else is identical.
    const anon = (d: Definition) => ({ ...(portable(d) as Definition), items: (portable(d) as Definition).items.map((i) => ({ ...i, source: '<file>' })) })
    expect(anon(built)).toEqual(anon(yaml))
    expect(built.items.find((i) => i.name === 'orders-db')).toMatchObject({ image: 'postgres:15', initFiles: [{ path: './init/seed.sql', absolutePath: join(dir, 'init/seed.sql') }], credentials: { dbName: 'orders' } })
  })

  it('throws the resolver ResolveError, with its codes, for bad builder input', () => {
    const bad = (items: Parameters<typeof defineEnvironment>[0]['items']) => catchError(() => resolveEnvironmentSpec(defineEnvironment({ name: 'bad', baseDir: '/nowhere', items })))
    const error = bad([service('API', { image: 'api:dev', port: 0, healthCheck: 'health' })])
    expect(error).toBeInstanceOf(ResolveError)
    expect(isResolveError(error)).toBe(true)
    const issues = (error as ResolveError).issues
    expect(issues.map((i) => `${i.code} ${i.path}`).sort()).toEqual(['ITEM_NAME_INVALID items[0].name', 'PORT_INVALID items[0].port', 'SERVICE_HEALTHCHECK_INVALID items[0].healthCheck'])
    expect(new Set(issues.map((i) => i.file))).toEqual(new Set(['/nowhere/defineEnvironment(bad)']))
    const mocked = bad([mock('api.stripe.com', { path: '/v1/charges', status: 42 }), postgres('db', { version: 'latest!' })]) as ResolveError
    expect(mocked.issues.map((i) => `${i.code} ${i.path}`)).toEqual(['MOCK_STATUS_INVALID items[0].mockResponseStatus', 'VERSION_INVALID items[1].version'])
    expect(mocked.message).toMatchInlineSnapshot(`"2 error(s) resolving definitions; first: /nowhere/defineEnvironment(bad):1:1 "mockResponseStatus" must be an integer 100–599, got 42"`)
  })

  it('points issues inside a fromYaml fragment at the fragment line, and reports a missing file', () => {
    const dir = testdir({ 'api.yaml': 'type: SERVICE\nname: api\nimage: api:dev\nport: nope\nhealthCheck: /health\n' })
    const error = catchError(() => resolveEnvironmentSpec(defineEnvironment({ name: 'refs', baseDir: dir, items: [fromYaml('api.yaml'), fromYaml('missing.yaml')] }))) as ResolveError
    expect(error.issues.map((i) => ({ code: i.code, file: i.file.replace(dir, '<dir>'), line: i.line }))).toEqual([
      { code: 'REF_NOT_FOUND', file: '<dir>/defineEnvironment(refs)', line: 0 },
    ])
    const second = catchError(() => resolveEnvironmentSpec(defineEnvironment({ name: 'refs', baseDir: dir, items: [fromYaml('api.yaml')] }))) as ResolveError
    expect(second.issues.map((i) => ({ code: i.code, file: i.file.replace(dir, '<dir>'), line: i.line, column: i.column }))).toEqual([{ code: 'PORT_INVALID', file: '<dir>/api.yaml', line: 4, column: 1 }])
    expect(second.message).toContain('api.yaml:4:1')
  })

  it('types every option from the resolver schemas', () => {
    expectTypeOf(defineEnvironment).returns.toEqualTypeOf<EnvironmentSpec>()
    expectTypeOf<ServiceOptions['port']>().toEqualTypeOf<number>()
    expectTypeOf<ServiceOptions['healthCheck']>().toEqualTypeOf<string>()
    expectTypeOf(fromYaml('x.yaml')).toEqualTypeOf<{ $ref: string }>()
    const typed = () => {
      // @ts-expect-error a misspelt option
      service('api', { image: 'api:dev', port: 3000, healthCheck: '/health', helthCheck: '/health' })
      // @ts-expect-error port is a number
      service('api', { image: 'api:dev', port: '3000', healthCheck: '/health' })
      // @ts-expect-error image is required
      service('api', { port: 3000, healthCheck: '/health' })
      // @ts-expect-error noAuth is a boolean
      redis('cache', { noAuth: 'yes' })
      // @ts-expect-error a misspelt mock rule field
      mock('api.stripe.com', { stauts: 200 })
      // @ts-expect-error config fields are typed
      defineEnvironment({ name: 'x', items: [], config: { timeoutSecs: 1 } })
    }
    expect(typeof typed).toBe('function')
  })
})
