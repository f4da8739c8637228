import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Writes a synthetic `.dokkimi/` project: `definitions` runnable definitions, each with
 * `refsPerDefinition` `$ref` items taken from a pool of shared fragments (services with env
 * arrays, some built on a base service with `...$ref.env` spreads; databases with init files;
 * mocks), and a couple of tests with httpRequest/dbQuery steps and assertion blocks. About one
 * definition in seven is written in the seed format (top-level `steps:`, `type: http|database`,
 * `target: self|httpCall`). Deterministic for a given size.
 */
export interface GenerateOptions {
  definitions: number
  refsPerDefinition: number
}

export interface Generated {
  root: string
  definitionFiles: string[]
  fragmentFiles: string[]
  /** Every `.json`/`.yml`/`.yaml` file of the project (definitions, fragments, config). */
  parseFiles: string[]
  initFiles: string[]
}

const SERVICES = 40
const DATABASES = 12
const MOCKS = 30
const SUITE_SIZE = 50

export function generateProject(outDir: string, opts: GenerateOptions): Generated {
  const { definitions, refsPerDefinition } = opts
  if (refsPerDefinition < 4) throw new Error('refsPerDefinition must be at least 4 (service, database, mock and one more)')
  const root = join(outDir, '.dokkimi')
  rmSync(outDir, { recursive: true, force: true })
  const out: Generated = { root, definitionFiles: [], fragmentFiles: [], parseFiles: [], initFiles: [] }
  const write = (rel: string, text: string, kind: 'definition' | 'fragment' | 'config' | 'init') => {
    const abs = join(root, rel)
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, text)
    if (kind === 'definition') out.definitionFiles.push(abs)
    if (kind === 'fragment') out.fragmentFiles.push(abs)
    if (kind === 'init') out.initFiles.push(abs)
    else out.parseFiles.push(abs)
  }
  const rnd = mulberry32(0xd0cc1)

  write('config.yaml', ['dokkimi: 0.1.0', 'env:', '  REGISTRY: ghcr.io/acme', '  IMAGE_TAG: v2.14.0', '  STRIPE_TEST_KEY: sk_test_bench', ''].join('\n'), 'config')

  // Init files for the databases.
  for (let i = 0; i < DATABASES; i++) {
    write(`init/schema-${i}.sql`, `CREATE TABLE orders_${i} (id SERIAL PRIMARY KEY, status TEXT NOT NULL, total_cents INT NOT NULL);\n`, 'init')
    write(`init/seed-${i}.sql`, `INSERT INTO orders_${i} (status, total_cents) VALUES ('pending', 2498);\n`, 'init')
  }

  // Base service: recursive refs build on it.
  write(
    'shared/base-service.yaml',
    ['# Base for the services below: they $ref it and spread its env.', 'type: SERVICE', 'name: base-service', 'port: 3000', 'healthCheck: /health', 'env:', '  - name: NODE_ENV', '    value: production', '  - name: LOG_LEVEL', '    value: info', '  - name: OTEL_EXPORTER', '    value: http://otel:4318', ''].join('\n'),
    'fragment',
  )
  write('shared/overlays/small-resources.yaml', ['# Overlay for the $ref array form', 'minMemory: 128', 'maxMemory: 512', ''].join('\n'), 'fragment')

  const service = (i: number) => `svc-${pad(i, 2)}`
  for (let i = 0; i < SERVICES; i++) {
    const name = service(i)
    const env = Array.from({ length: 4 + (i % 5) }, (_, j) => [`  - name: ${name.toUpperCase().replace(/-/g, '_')}_SETTING_${j}`, `    value: "${j % 3 === 0 ? `http://svc-${pad((i + j) % SERVICES, 2)}:3000` : `value-${i}-${j}`}"`])
    const lines =
      i % 3 === 0
        ? // Recursive: built on the base service, its env spread in, port overridden.
          [`$ref: ../base-service.yaml`, `name: ${name}`, `image: \${{REGISTRY}}/${name}:\${{IMAGE_TAG}}`, `port: ${3000 + i}`, 'env:', '  - ...$ref.env', ...env.flat()]
        : [`type: SERVICE`, `name: ${name}`, `image: \${{REGISTRY}}/${name}:\${{IMAGE_TAG}}`, `port: ${3000 + i}`, 'healthCheck: /health', 'env:', ...env.flat()]
    write(`shared/services/${name}.yaml`, `# Service ${name}\n${lines.join('\n')}\n`, 'fragment')
  }

  const ENGINES = ['postgres', 'mysql', 'mongodb', 'redis'] as const
  const database = (i: number) => `db-${pad(i, 2)}`
  for (let i = 0; i < DATABASES; i++) {
    const engine = ENGINES[i % ENGINES.length]!
    const name = database(i)
    const lines = [`type: DATABASE`, `name: ${name}`, `database: ${engine}`]
    if (engine === 'postgres') lines.push('version: "16"', 'initFilePaths:', `  - ../../init/schema-${i}.sql`, `  - ../../init/seed-${i}.sql`)
    if (engine === 'mysql') lines.push('version: 8.0.36', `initFilePath: ../../init/schema-${i}.sql`, 'dbName: shop')
    if (i % 5 === 4) {
      // JSON fragments too.
      const json: Record<string, unknown> = { type: 'DATABASE', name, database: engine }
      if (engine === 'postgres') json.initFilePaths = [`../../init/schema-${i}.sql`]
      write(`shared/databases/${name}.json`, `${JSON.stringify(json, null, 2)}\n`, 'fragment')
    } else write(`shared/databases/${name}.yaml`, `${lines.join('\n')}\n`, 'fragment')
  }

  const mock = (i: number) => `mock-${pad(i, 2)}`
  const HOSTS = ['api.stripe.com', 'api.easypost.com', 'api.sendgrid.com', 'api.twilio.com', 'hooks.slack.com']
  for (let i = 0; i < MOCKS; i++) {
    const name = mock(i)
    const lines = [
      `# .dokkimi/shared/mocks/${name}.yaml`,
      'type: MOCK',
      `name: ${name}`,
      `mockTarget: ${HOSTS[i % HOSTS.length]}`,
      `mockPath: /v${1 + (i % 3)}/resource-${i}`,
      `mockMethod: ${i % 2 ? 'POST' : 'GET'}`,
      `mockResponseStatus: ${i % 7 === 6 ? 429 : 200}`,
      ...(i % 4 === 3 ? ['mockResponseDelay: 1500'] : []),
      'mockResponseHeaders:',
      '  content-type: application/json',
      'mockResponseBody:',
      `  id: obj_${i}`,
      '  object: charge',
      '  status: succeeded',
      `  amount: ${1000 + i}`,
      '  metadata:',
      '    tags: [a, b, c]',
      `    nested: {level: 1, values: [${i}, ${i + 1}, ${i + 2}]}`,
    ]
    write(`shared/mocks/${name}.yaml`, `${lines.join('\n')}\n`, 'fragment')
  }

  // Definitions.
  const mocksPer = Math.max(1, Math.floor(refsPerDefinition * 0.3))
  const dbsPer = Math.max(1, Math.floor(refsPerDefinition * 0.2))
  const servicesPer = refsPerDefinition - mocksPer - dbsPer
  for (let d = 0; d < definitions; d++) {
    const suite = `suite-${pad(Math.floor(d / SUITE_SIZE), 2)}`
    const name = `def-${pad(d, 4)}`
    const seedFormat = d % 7 === 3
    // Seed-format definitions write refs relative to the project as the seed documents do, which
    // resolve through the ancestor fallback (with a warning); the others are relative to the file.
    const shared = seedFormat ? '../shared' : '../../shared'
    const svc = pickDistinct(rnd, SERVICES, servicesPer)
    const dbs = pickDistinct(rnd, DATABASES, dbsPer)
    const mks = pickDistinct(rnd, MOCKS, mocksPer)
    const items: string[] = []
    svc.forEach((s, k) => {
      items.push(`  - $ref: ${s % 4 === 1 && k === 1 ? `[${shared}/services/${service(s)}.yaml, ${shared}/overlays/small-resources.yaml]` : `${shared}/services/${service(s)}.yaml`}`)
      if (k === 0) items.push('    env:', '      - ...$ref.env', '      - name: FEATURE_FLAG_NEW_PRICING', "        value: 'true'", '      - name: BUILD_TAG', '        value: "{{tag}}"')
      if (k === 2) items.push('    stage: 1')
    })
    dbs.forEach((b) => items.push(`  - $ref: ${shared}/databases/${database(b)}.${b % 5 === 4 ? 'json' : 'yaml'}`))
    mks.forEach((m) => items.push(`  - $ref: ${shared}/mocks/${mock(m)}.yaml`))
    const api = service(svc[0]!)
    const db = database(dbs[0]!)
    const host = HOSTS[mks[0]! % HOSTS.length]!
    const head = [`# ${suite}/definitions/${name}.yaml`, `name: ${name}`, `description: Generated definition ${d} of ${definitions}`, 'variables:', `  tag: build-${d}`, `  customerId: "${d}"`, 'items:', ...items]
    const body = seedFormat ? seedSteps(api, db, host) : currentTests(api, db, host, d)
    write(`${suite}/definitions/${name}.yaml`, `${[...head, ...body].join('\n')}\n`, 'definition')
  }
  return out
}

function currentTests(api: string, db: string, host: string, d: number): string[] {
  return [
    'tests:',
    '  - name: create and pay an order',
    '    steps:',
    '      - name: create',
    '        action:',
    '          type: httpRequest',
    '          method: POST',
    `          url: ${api}/v1/orders`,
    '          headers:',
    '            content-type: application/json',
    '          body:',
    '            customerId: "{{customerId}}"',
    '            items:',
    '              - {sku: WIDGET-001, quantity: 1}',
    '              - {sku: WIDGET-002, quantity: 2}',
    '        extract:',
    '          orderId: $.response.body.order.id',
    '        assertions:',
    '          - assertions:',
    '              - path: $.response.status',
    '                operator: eq',
    '                value: 201',
    '              - path: $.response.body.order.totalCents',
    '                operator: gte',
    `                value: ${d}`,
    '      - name: pay',
    '        action:',
    '          type: httpRequest',
    '          method: POST',
    `          url: ${api}/v1/orders/{{orderId}}/pay`,
    '          body: {paymentMethod: pm_test_visa}',
    '        assertions:',
    '          - match:',
    '              path: $.traffic',
    '              where:',
    `                - {path: $$.request.url, operator: contains, value: ${host}}`,
    '                - {path: $$.request.method, operator: eqIgnoreCase, value: POST}',
    '              count: {operator: gte, value: 1}',
    '            assertions:',
    '              - {path: $.match.request.body.amount, operator: eq, value: 2498}',
    '              - {path: $.match.response.status, operator: in, value: [200, 201]}',
    '  - name: order is persisted',
    '    steps:',
    '      - action:',
    '          type: dbQuery',
    `          database: ${db}`,
    '          query: SELECT status, total_cents FROM orders WHERE id = 1',
    '        assertions:',
    '          - assertions:',
    '              - {path: "$.response.data[0].status", operator: eq, value: paid}',
    '              - {path: $.response.data, operator: notEmpty}',
  ]
}

function seedSteps(api: string, db: string, host: string): string[] {
  return [
    'steps:',
    '  # Create an order',
    '  - action:',
    '      type: http',
    '      method: POST',
    `      url: ${api}/v1/orders`,
    '      body:',
    '        customerId: 1',
    '        items:',
    '          - sku: WIDGET-001',
    '            quantity: 1',
    '    assertions:',
    '      - target: self',
    '        assertions:',
    '          - type: response.statusCode',
    '            operator: eq',
    '            value: 201',
    '          - type: response.body',
    '            path: $.order.totalCents',
    '            operator: eq',
    '            value: 2498',
    '    extract:',
    '      orderId: response.body.order.id',
    '  - action:',
    '      type: http',
    '      method: POST',
    `      url: ${api}/v1/orders/{{orderId}}/pay`,
    '    assertions:',
    '      - target: httpCall',
    '        match:',
    `          origin: ${api}`,
    '          method: POST',
    `          url: ${host}`,
    '        assertions:',
    '          - type: request.body',
    '            path: $.amount',
    '            operator: eq',
    '            value: 2498',
    '  - action:',
    '      type: database',
    `      service: ${db}`,
    '      query: "SELECT status FROM orders WHERE id = {{orderId}}"',
    '    assertions:',
    '      - target: self',
    '        assertions:',
    '          - type: response.body',
    '            path: $.rows[0].status',
    '            operator: eq',
    '            value: paid',
  ]
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

function pickDistinct(rnd: () => number, size: number, count: number): number[] {
  const picked = new Set<number>()
  while (picked.size < Math.min(count, size)) picked.add(Math.floor(rnd() * size))
  return [...picked]
}

/** Small seeded PRNG, so every run generates the same project. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
