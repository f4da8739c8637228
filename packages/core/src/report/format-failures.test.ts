// The failure text on real results: a match that found its call but failed a check on it names
// the matched call apart from the near-misses.
import { loadDefinitions } from '@dokkimi/resolver'
import { testdir } from '@dokkimi/test-utils'
import { describe, expect, it } from 'vitest'
import { shopServices } from '../flow/_shop.js'
import { runDefinition } from '../steps/run-definition.js'
import { memoryRuntime } from '../testing/memory-runtime.js'
import { formatFailures, formatTestFailure, formatTimeline } from './format-failures.js'
import { formatDuration, paint, showValue, truncate } from './style.js'

const YAML = `name: shop
items:
  - { type: SERVICE, name: order-service, image: 'shop/orders:test', port: 3000, healthCheck: /health }
  - { type: SERVICE, name: payment-service, image: 'shop/payments:test', port: 4000, healthCheck: /health }
  - { type: MOCK, name: stripe, mockTarget: api.stripe.com, mockPath: /v1/charges, mockMethod: POST, mockResponseBody: { id: ch_1 } }
tests:
  - name: Pay
    steps:
      - name: Create order
        action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 2, price: 1249, notify: false } }
        assertions:
          - match:
              path: $.traffic
              where: [{ path: $$.origin, operator: eq, value: payment-service }]
            assertions:
              - { path: $.match.request.body.amount, operator: eq, value: 2500 }
          - match:
              path: $.traffic
              where: [{ path: $$.request.url, operator: contains, value: api.stripe.com }]
              count: 2
`

describe('formatFailures', () => {
  it('names the matched call of a failing $.match check, and matched calls and near-misses of a short count', async () => {
    const dir = testdir({ '.dokkimi/shop.yaml': YAML })
    const [definition] = loadDefinitions(`${dir}/.dokkimi`).definitions
    const result = await runDefinition(definition!, { runtime: memoryRuntime({ services: shopServices }) })
    const text = formatFailures([result], { cwd: dir }).replace(/\d+ ms/g, 'N ms')
    expect(text).toMatchInlineSnapshot(`
      "✗ shop › Pay › Create order
        at .dokkimi/shop.yaml
        ✗ path $.match.request.body.amount (eq)
            expected: 2500
            actual:   2498
            matched call: payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]
        ✗ match $.traffic (eq)
            match count failed: expected eq 2 calls matching {path: $.traffic, where: [request.url contains api.stripe.com]}, found 1
            expected: 2
            actual:   1
            matched call: payment-service → api.stripe.com  POST /v1/charges  200  N ms  [mocked]
            closest captured calls:
              test → order-service  POST /api/orders  201  N ms
                $$.request.url contains "api.stripe.com", actual "http://order-service/api/orders"
              order-service → payment-service  POST /api/payments  200  N ms
                $$.request.url contains "api.stripe.com", actual "http://payment-service/api/payments"
        traffic of this step:
          test → order-service              POST /api/orders    201  N ms
          order-service → payment-service   POST /api/payments  200  N ms
          payment-service → api.stripe.com  POST /v1/charges    200  N ms  [mocked]"
    `)
    expect(formatTestFailure(definition!, result.tests[0]!, { cwd: dir }).replace(/\d+ ms/g, 'N ms')).toBe(text)
    expect(formatFailures([result], { cwd: dir, color: true })).toContain('\u001b[31m✗\u001b[39m')
  })
})

describe('report helpers', () => {
  it('format durations, values and colours', () => {
    expect([12.4, 1234, 125_000, -1].map(formatDuration)).toEqual(['12 ms', '1.2 s', '2 m 05 s', '—'])
    expect([showValue('a'), showValue(/x+/i), showValue(undefined), showValue(10n), showValue('x'.repeat(200), 10)]).toEqual(['"a"', '/x+/i', 'undefined', '10n', '"xxxxxxxx…'])
    expect(truncate('a\nb', 10)).toBe('a⏎b')
    expect(paint(false).red('x')).toBe('x')
    expect(formatTimeline([])).toEqual([])
  })
})
