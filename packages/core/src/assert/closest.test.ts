import { describe, expect, it } from 'vitest'
import { closest, describeEntry } from './closest.js'
import { call, log } from './_fixtures.js'

const where = [
  { path: '$$.origin', operator: 'eq', value: 'order-service' },
  { path: '$$.request.method', operator: 'eq', value: 'POST' },
  { path: '$$.request.url', operator: 'contains', value: 'payment-service/api/payments' },
]

describe('closest captured calls', () => {
  const traffic = [
    call('test', 'POST', 'http://api-gateway/v1/orders'),
    call('order-service', 'GET', 'http://inventory/api/stock'),
    call('order-service', 'POST', 'http://payment-service/api/payment'),
    call('cart-service', 'POST', 'http://payment-service/api/payments'),
    call('order-service', 'POST', 'http://payments-svc/api/payments'),
  ]

  it('ranks by satisfied where entries, then by string similarity, and lists what differs (top 3)', () => {
    const top = closest(traffic, where)
    expect(top).toHaveLength(3)
    expect(top.map((c) => describeEntry(c.entry))).toMatchInlineSnapshot(`
      [
        "POST http://payment-service/api/payment from order-service → 200",
        "POST http://payments-svc/api/payments from order-service → 200",
        "POST http://payment-service/api/payments from cart-service → 200",
      ]
    `)
    expect(top[0]!.differences).toEqual([{ path: '$$.request.url', operator: 'contains', expected: 'payment-service/api/payments', actual: 'http://payment-service/api/payment' }])
  })

  it('explains combinators by their failing leaves, not(...) as "not <op>"', () => {
    const [first] = closest([call('api-gateway', 'GET', 'http://x/users')], [{ not: { path: '$$.origin', operator: 'eq', value: 'api-gateway' } }, { or: [{ path: '$$.request.method', operator: 'eq', value: 'POST' }, { path: '$$.request.method', operator: 'eq', value: 'PUT' }] }])
    expect(first!.differences).toEqual([
      { path: '$$.origin', operator: 'not eq', expected: 'api-gateway', actual: 'api-gateway' },
      { path: '$$.request.method', operator: 'eq', expected: 'POST', actual: 'GET' },
      { path: '$$.request.method', operator: 'eq', expected: 'PUT', actual: 'GET' },
    ])
  })

  it('works on consoleLogs (service, level, message)', () => {
    const logs = [log('order-service', 'INFO', 'order created'), log('payment-service', 'ERROR', 'charge failed'), log('order-service', 'WARN', 'charge retry')]
    const top = closest(logs, [{ path: '$$.service', operator: 'eq', value: 'order-service' }, { path: '$$.level', operator: 'eq', value: 'ERROR' }, { path: '$$.message', operator: 'contains', value: 'charge failed' }], { limit: 2 })
    expect(top.map((c) => [describeEntry(c.entry), c.differences.map((d) => `${d.path} ${d.operator} ${String(d.expected)} ≠ ${String(d.actual)}`)])).toMatchInlineSnapshot(`
      [
        [
          "payment-service ERROR "charge failed"",
          [
            "$$.service eq order-service ≠ payment-service",
          ],
        ],
        [
          "order-service WARN "charge retry"",
          [
            "$$.level eq ERROR ≠ WARN",
            "$$.message contains charge failed ≠ charge retry",
          ],
        ],
      ]
    `)
  })

  it('resolves {{}} and value references in where values; no where or no entries → none', () => {
    expect(closest(traffic, [{ path: '$$.origin', operator: 'eq', value: '{{svc}}' }], { vars: { svc: 'cart-service' }, limit: 1 })[0]!.differences).toEqual([])
    expect(closest(traffic, [{ path: '$$.origin', operator: 'eq', value: { from: '$.who' } }], { root: { who: 'cart-service' }, limit: 1 })[0]!.entry).toBe(traffic[3])
    expect(closest(traffic, [])).toEqual([])
    expect(closest([], where)).toEqual([])
  })
})
