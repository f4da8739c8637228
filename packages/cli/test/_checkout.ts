// A tiny checkout on the memory runtime (in-process services behind the real interceptor), used
// to produce real DefinitionResults for the reporter tests and as a `--runtime <module>` for the
// CLI tests: orders call payments, payments call Stripe (a MOCK).
import type http from 'node:http'
import { memoryRuntime, type MemoryServiceContext } from '@dokkimi/core/testing'

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let text = ''
    req.on('data', (c: Buffer) => (text += c.toString()))
    req.on('end', () => resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {}))
  })
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

export const services = {
  'orders:test': (ctx: MemoryServiceContext): http.RequestListener => async (req, res) => {
    if (req.url === '/health') return send(res, 200, { ok: true })
    if (req.method === 'POST' && req.url === '/api/orders') {
      const body = await readJson(req)
      // A deliberately broken build: WRONG_TOTAL adds one cent.
      const total = Number(body.quantity) * Number(body.price) + (ctx.env.WRONG_TOTAL === '1' ? 1 : 0)
      const pay = await ctx.fetch('http://payment-service:4000/api/payments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: total }) })
      if (pay.status !== 200) {
        ctx.log(`[ERROR] payment failed with ${pay.status}`)
        return send(res, 402, { status: 'payment_failed' })
      }
      if (ctx.env.WRONG_TOTAL === '1') ctx.log(`[WARN] total ${total} does not match the cart`)
      ctx.log('[INFO] order ord_1 created')
      return send(res, 201, { id: 'ord_1', total, status: 'paid' })
    }
    send(res, 404, { error: 'no route' })
  },
  'payments:test': (ctx: MemoryServiceContext): http.RequestListener => async (req, res) => {
    if (req.url === '/health') return send(res, 200, { ok: true })
    const body = await readJson(req)
    const charge = await ctx.fetch('https://api.stripe.com/v1/charges', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: body.amount, currency: 'usd' }) })
    send(res, charge.status === 200 ? 200 : 402, { charged: charge.status === 200 })
  },
}

export default memoryRuntime({ services })

export const items = (wrongTotal = false) => `items:
  - { type: SERVICE, name: order-service, image: 'orders:test', port: 3000, healthCheck: /health, env: [{ name: WRONG_TOTAL, value: '${wrongTotal ? 1 : 0}' }] }
  - { type: SERVICE, name: payment-service, image: 'payments:test', port: 4000, healthCheck: /health }
  - { type: MOCK, name: stripe-charge, mockTarget: api.stripe.com, mockPath: /v1/charges, mockMethod: POST, mockResponseStatus: 200, mockResponseBody: { id: ch_1, status: succeeded } }
`

const createOrder = (extra = '') => `      - name: Create order
        action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 2, price: 1249 } }
        assertions:
          - assertions:
              - { path: $.response.status, operator: eq, value: 201 }
              - { path: $.response.body.total, operator: eq, value: 2498 }
${extra}`

/** The three definitions of the reporter tests: one passes, one fails on the response, one on a traffic match. */
export const definitions = {
  'checkout-happy-path.yaml': `name: checkout-happy-path
${items()}tests:
  - name: Place order
    steps:
${createOrder(`          - match:
              path: $.traffic
              where: [{ path: $$.origin, operator: eq, value: payment-service }, { path: $$.to, operator: eq, value: api.stripe.com }]
              count: 1
            assertions:
              - { path: $.match.request.body.amount, operator: eq, value: 2498 }
`)}`,
  'checkout-wrong-total.yaml': `name: checkout-wrong-total
${items(true)}tests:
  - name: Place order
    steps:
${createOrder()}      - name: Never runs
        action: { type: httpRequest, method: GET, url: order-service/api/orders/ord_1 }
  - name: Second test
    steps:
      - action: { type: wait, durationMs: 1 }
`,
  'checkout-refund.yaml': `name: checkout-refund
${items()}tests:
  - name: Refund
    steps:
      - name: Create order
        action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 2, price: 1249 } }
        assertions:
          - match:
              path: $.traffic
              where:
                - { path: $$.origin, operator: eq, value: payment-service }
                - { path: $$.request.method, operator: eq, value: POST }
                - { path: $$.request.url, operator: contains, value: /v1/refunds }
            assertions:
              - { path: $.match.request.body.amount, operator: eq, value: 2498 }
`,
}
