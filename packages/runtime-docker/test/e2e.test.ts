// The end-to-end scenario through core: runner → A → B → C by name, B → a mocked HTTPS API
// and an unmocked host, postgres with init files and a row written by a service, console logs.
import { runDefinition, type StepResult } from '@dokkimi/core'
import { dockerTestsEnabled } from '@dokkimi/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { docker } from '../src/index.js'
import { definition, echoImage, leftovers, testImageMap } from './_helpers.js'

const enabled = dockerTestsEnabled()
const image = enabled ? await echoImage() : ''

const call = (url: string, body?: unknown) => ({ url: 'http://svc-b:8080/call', method: 'POST', body: { url, ...(body === undefined ? {} : { method: 'POST', body }) } })

const files = {
  'init/01-schema.sql': 'CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL);\n',
  'init/02-seed.sql': "INSERT INTO orders (item) VALUES ('seeded-1'), ('seeded-2');\n",
  'dokkimi.yaml': `
name: e2e
config: { timeoutSeconds: 120 }
items:
  - { type: DATABASE, name: db, database: postgres, version: '15', initFilePaths: [init/01-schema.sql, init/02-seed.sql] }
  - { type: SERVICE, name: svc-a, image: '${image}', port: 8080, healthCheck: /health, stage: 1, env: [{ name: SERVICE_NAME, value: svc-a }] }
  - type: SERVICE
    name: svc-b
    image: '${image}'
    port: 8080
    healthCheck: /health
    stage: 1
    env:
      - { name: SERVICE_NAME, value: svc-b }
      - { name: DATABASE_URL, value: 'postgres://dokkimi:dokkimi@db:5432/dokkimi' }
  - { type: SERVICE, name: svc-c, image: '${image}', port: 8080, healthCheck: /health, stage: 1, env: [{ name: SERVICE_NAME, value: svc-c }] }
  - { type: MOCK, name: rates, mockTarget: api.example.com, mockPath: /v1/rates/*, mockMethod: GET, mockResponseStatus: 200, mockResponseBody: { rate: 1.25 } }
tests:
  - name: end to end
    steps:
      - name: runner → a → b → c
        action: { type: httpRequest, method: POST, url: svc-a/call, body: ${JSON.stringify({ url: 'http://svc-b:8080/call', method: 'POST', body: { url: 'http://svc-c:8080/echo/from-b' } })} }
        assertions:
          - assertions: [{ path: $.response.status, operator: eq, value: 200 }]
          - match:
              path: $.traffic
              where: [{ path: $$.origin, operator: eq, value: svc-b }, { path: $$.to, operator: eq, value: svc-c }]
              count: 1
            assertions: [{ path: $.match.response.status, operator: eq, value: 200 }]
      - name: b calls the mocked API over TLS
        action: { type: httpRequest, method: POST, url: svc-a/call, body: ${JSON.stringify(call('https://api.example.com/v1/rates/eur'))} }
        assertions:
          - match:
              path: $.traffic
              where: [{ path: $$.origin, operator: eq, value: svc-b }, { path: $$.to, operator: eq, value: api.example.com }]
              count: 1
            assertions: [{ path: $.match.mocked, operator: eq, value: true }]
      - name: b calls an unmocked host
        action: { type: httpRequest, method: POST, url: svc-a/call, body: ${JSON.stringify(call('http://unmocked.example.org/x'))} }
      - name: b writes a row
        action: { type: httpRequest, method: POST, url: svc-b/sql, body: { sql: "INSERT INTO orders (item) VALUES ('from-service')" } }
        assertions:
          - assertions: [{ path: $.response.status, operator: eq, value: 200 }]
      - name: read the rows
        action: { type: dbQuery, database: db, query: 'SELECT item FROM orders ORDER BY id' }
        assertions:
          - assertions: [{ path: '$.response.data[2].item', operator: eq, value: from-service }]
`,
}

describe.runIf(enabled)('docker runtime end to end', () => {
  afterEach(async () => {
    expect(await leftovers()).toEqual([])
  })

  it('routes every hop through the interceptor, serves the mock over trusted TLS, and reaches postgres', { timeout: 180_000 }, async () => {
    const def = definition(files)
    const result = await runDefinition(def, { runtime: docker({ images: testImageMap() }) })
    const steps = result.tests[0]!.steps
    // A answers {status, body: <B's answer>}; B answers {status, body: <what B's call got>}.
    const answerOfB = (s: StepResult) => JSON.parse((s.response as { body: { body: string } }).body.body) as { status: number; body: string }
    const hops = (s: StepResult) => s.traffic.map((t) => `${t.origin}→${t.to}${t.mocked ? ' (mocked)' : ''}${t.outcome === 'unmocked' ? ' (unmocked)' : ''}`)
    expect(result.error).toBeUndefined()
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['runner → a → b → c', 'passed'],
      ['b calls the mocked API over TLS', 'passed'],
      ['b calls an unmocked host', 'passed'],
      ['b writes a row', 'passed'],
      ['read the rows', 'passed'],
    ])
    const [chain, mocked, unmocked, write, read] = steps as [StepResult, StepResult, StepResult, StepResult, StepResult]

    expect(hops(chain)).toEqual(['test→svc-a', 'svc-a→svc-b', 'svc-b→svc-c'])
    expect(JSON.parse(answerOfB(chain).body)).toMatchObject({ method: 'GET', url: '/echo/from-b' })

    expect(hops(mocked)).toEqual(['test→svc-a', 'svc-a→svc-b', 'svc-b→api.example.com (mocked)'])
    // B's fetch verified the interceptor's certificate for api.example.com against the mounted CA.
    expect(answerOfB(mocked)).toEqual({ status: 200, body: '{"rate":1.25}' })

    expect(hops(unmocked)).toEqual(['test→svc-a', 'svc-a→svc-b', 'svc-b→unmocked.example.org (unmocked)'])
    expect(answerOfB(unmocked).status).toBe(502)

    expect(hops(write)).toEqual(['test→svc-b'])
    expect((read.response as { data: unknown[] }).data).toEqual([{ item: 'seeded-1' }, { item: 'seeded-2' }, { item: 'from-service' }])

    const logs = (s: StepResult) => s.consoleLogs.map((l) => `${l.service}: ${l.message}`)
    expect(logs(chain)).toEqual(expect.arrayContaining(['svc-c: echo GET /echo/from-b', 'svc-b: svc-b called GET http://svc-c:8080/echo/from-b → 200']))
    expect(chain.consoleLogs.every((l) => l.step === chain.id)).toBe(true)
    expect(logs(mocked)).toContain('svc-b: svc-b called GET https://api.example.com/v1/rates/eur → 200')
    expect(logs(write)).toEqual(['svc-b: svc-b sql: INSERT 0 1'])
  })
})
