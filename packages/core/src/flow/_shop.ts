// Test fixture (not exported): a tiny shop on the memory runtime. Orders call payments, payments
// call Stripe (a MOCK); after answering, orders notify through SendGrid (a slow MOCK), so a call
// is still in flight when the test asserts.
import type http from 'node:http'
import type { MemoryServiceContext } from '../testing/memory-runtime.js'
import { defineEnvironment } from './define-environment.js'
import { mock, service } from './items.js'

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

const json = { 'content-type': 'application/json' }

export const shopServices = {
  'shop/orders:test': (ctx: MemoryServiceContext): http.RequestListener => {
    let next = 1
    return async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (url.pathname === '/health') return send(res, 200, { ok: true })
      if (url.pathname === '/hello') return res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${url.searchParams.getAll('name').join(' and ')}`)
      if (req.method === 'POST' && url.pathname === '/api/orders') {
        const body = await readJson(req)
        const total = Number(body.quantity) * Number(body.price)
        const pay = await ctx.fetch('http://payment-service:4000/api/payments', { method: 'POST', headers: json, body: JSON.stringify({ amount: total, currency: 'usd' }) })
        const id = `ord_${next++}`
        ctx.log(pay.status === 200 ? `[INFO] order ${id} paid` : `[ERROR] order ${id}: payment failed with ${pay.status}`)
        send(res, pay.status === 200 ? 201 : 402, { id, total })
        if (body.notify !== false) void ctx.fetch('https://api.sendgrid.com/v3/mail/send', { method: 'POST', headers: json, body: JSON.stringify({ to: body.email ?? 'a@example.com', order: id }) }).catch(() => {})
        return
      }
      send(res, 404, { error: 'no route' })
    }
  },
  'shop/payments:test': (ctx: MemoryServiceContext): http.RequestListener => async (req, res) => {
    if (req.url === '/health') return send(res, 200, { ok: true })
    const body = await readJson(req)
    const charge = await ctx.fetch('https://api.stripe.com/v1/charges', { method: 'POST', headers: json, body: JSON.stringify({ amount: body.amount, currency: body.currency, capture: true }) })
    ctx.log(`charged ${String(body.amount)}`)
    send(res, charge.status === 200 ? 200 : 402, { charged: charge.status === 200 })
  },
}

/** The shop; SendGrid answers after `mailDelayMs`. */
export function shop(mailDelayMs = 400) {
  return defineEnvironment({
    name: 'shop',
    items: [
      service('order-service', { image: 'shop/orders:test', port: 3000, healthCheck: '/health' }),
      service('payment-service', { image: 'shop/payments:test', port: 4000, healthCheck: '/health' }),
      mock('api.stripe.com', { method: 'POST', path: '/v1/charges', status: 200, body: { id: 'ch_1', status: 'succeeded' } }),
      mock('api.sendgrid.com', { method: 'POST', path: '/v3/mail/send', status: 202, delayMs: mailDelayMs }),
    ],
  })
}
