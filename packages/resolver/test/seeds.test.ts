import { fileURLToPath } from 'node:url'
import { loadDefinitions } from '@dokkimi/resolver'
import { describe, expect, it } from 'vitest'

// Every YAML/JSON example of the four seed documents, laid out as the seeds lay it out
// (see fixtures/seeds/README.md for where each file comes from).
const root = fileURLToPath(new URL('./fixtures/seeds', import.meta.url))

function relativise(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll(root, '<seeds>'))
}

describe('seed documents (S-01..S-19)', () => {
  const result = loadDefinitions(root)

  it('resolve with zero errors', () => {
    expect(result.errors).toEqual([])
    expect(result.definitions.map((d) => d.name).sort()).toMatchInlineSnapshot(`
      [
        "checkout-card-declined",
        "checkout-charge-amount",
        "checkout-flow",
        "checkout-flow-inline-mock",
        "checkout-happy-path",
        "checkout-rate-limited",
        "my-test-suite",
        "order-service-env-override",
        "out-of-stock-rejection",
        "staged-bootup",
        "stripe-webhook-charge-failed",
        "stripe-webhook-charge-succeeded",
        "user-registration",
      ]
    `)
  })

  it('only warn where the seeds write $ref paths relative to an ancestor folder', () => {
    expect(new Set(result.warnings.map((w) => w.code))).toEqual(new Set(['REF_RESOLVED_BY_ANCESTOR']))
    const first = result.warnings.find((w) => w.file.endsWith('checkout-happy-path.yaml'))!
    expect(first.hint).toBe('Write `$ref: ../../shared/api-gateway.yaml` ($ref paths are relative to the file that contains them).')
  })

  it('normalise seed steps into the current model', () => {
    const happy = result.definitions.find((d) => d.name === 'checkout-happy-path')!
    expect(happy.format).toBe('seed')
    const [create, pay] = happy.tests[0]!.steps!
    expect(create!.action).toMatchObject({ type: 'httpRequest', method: 'POST', url: 'api-gateway/v1/orders' })
    expect(create!.extract).toEqual({ orderId: '$.response.body.order.id' })
    expect(create!.assertions![0]!.assertions).toEqual([
      { path: '$.response.status', operator: 'eq', value: 201 },
      { path: '$.response.body.order.totalCents', operator: 'eq', value: 2498 },
    ])
    expect(pay!.assertions![0]).toEqual({
      match: {
        path: '$.traffic',
        where: [
          { path: '$$.origin', operator: 'eq', value: 'payment-service' },
          { path: '$$.request.method', operator: 'eqIgnoreCase', value: 'POST' },
          { path: '$$.request.url', operator: 'contains', value: 'api.stripe.com/v1/charges' },
        ],
        count: { operator: 'gte', value: 1 },
      },
      assertions: [
        { path: '$.match.request.body.amount', operator: 'eq', value: 2498 },
        { path: '$.match.request.body.currency', operator: 'eq', value: 'usd' },
      ],
    })
    const declined = result.definitions.find((d) => d.name === 'checkout-card-declined')!
    const absence = declined.tests[0]!.steps![1]!.assertions![1]!
    expect(absence).toEqual({ match: { path: '$.traffic', where: expect.any(Array), count: 0 } })
    const db = declined.tests[0]!.steps![2]!
    expect(db.action).toMatchObject({ type: 'dbQuery', database: 'postgres-db', query: 'SELECT status FROM orders WHERE id = {{orderId}}' })
    expect(db.assertions![0]!.assertions![0]!.path).toBe('$.response.data[0].status')
  })

  it('resolve recursive $ref chains with ...$ref.env spreads (seed 003)', () => {
    const flow = result.definitions.find((d) => d.name === 'checkout-flow')!
    const gateway = flow.items.find((i) => i.name === 'api-gateway')!
    expect(gateway).toMatchObject({ type: 'SERVICE', image: 'my-registry/api-gateway:latest', port: 3000 })
    expect('env' in gateway && gateway.env?.map((e) => e.name)).toEqual(['NODE_ENV', 'DATABASE_URL', 'FEATURE_FLAG_NEW_PRICING'])
  })

  it('pin the whole normalised model', () => {
    expect(relativise(result.definitions)).toMatchSnapshot()
  })
})
