// The same two checkout flows written in TypeScript: the services come from the example's YAML
// item files, the database and the third-party mocks are declared here, and the traffic checks
// are matchers.
import { fileURLToPath } from 'node:url'
import { defineEnvironment, fromYaml, mock, postgres, type EnvironmentItem } from '@dokkimi/core'
import { useEnvironment } from '@dokkimi/vitest-plugin'
import { describe, expect, it } from 'vitest'

// Relative paths (item files, init files) start from the e-commerce example's .dokkimi folder.
const baseDir = fileURLToPath(new URL('../../ecommerce/.dokkimi/', import.meta.url))
const json = { 'content-type': 'application/json' }

const services = ['api-gateway', 'order-service', 'payment-service', 'shipping-service', 'notification-service'].map((name) => fromYaml(`shared/${name}.yaml`))
const database = postgres('postgres-db', { initFiles: ['ecommerce/init/schema.sql', 'ecommerce/init/seed.sql'] })
const notifications = [
  mock('api.sendgrid.com', { path: '/v3/mail/send', status: 202, headers: json, body: {} }),
  mock('api.twilio.com', { path: '/2010-04-01/Accounts/*/Messages.json', status: 201, headers: json, body: { sid: 'SM_test_456', status: 'queued' } }),
]

function checkout(name: string, stripe: EnvironmentItem | EnvironmentItem[]) {
  return defineEnvironment({
    name,
    baseDir,
    items: [...services, database, stripe, ...notifications, mock('api.easypost.com', { path: '/v2/shipments', status: 201, headers: json, body: { id: 'shp_test_789', tracking_code: '9400111899223456789012', status: 'pre_transit' } })],
  })
}

describe('checkout, happy path', () => {
  const env = useEnvironment(checkout('checkout-happy-path-ts', mock('api.stripe.com', { path: '/v1/charges', status: 200, headers: json, body: { id: 'ch_test_123', object: 'charge', status: 'succeeded', amount: 2498, currency: 'usd' } })))
  let orderId: number

  it('creates an order for two widgets, 24.98 USD', async () => {
    const res = await env.http.post('api-gateway/v1/orders', { json: { customerId: 1, items: [{ sku: 'WIDGET-001', quantity: 1 }, { sku: 'WIDGET-002', quantity: 1 }] } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ order: { totalCents: 2498 } })
    orderId = (res.body as { order: { id: number } }).order.id
  })

  it('charges Stripe 2498 cents, buys a shipping label and notifies the buyer', async () => {
    const res = await env.http.post(`api-gateway/v1/orders/${orderId}/pay`, { json: { paymentMethod: 'pm_test_visa' } })
    expect(res.status).toBe(200)
    await expect(env).toHaveCalled({ origin: 'payment-service', method: 'POST', url: 'api.stripe.com/v1/charges', body: { amount: 2498, currency: 'usd' } })
    await expect(env).toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 1)
    await expect(env).toHaveCalled({ origin: 'shipping-service', method: 'POST', url: 'api.easypost.com/v2/shipments', status: 201 })
    await expect(env).toHaveCalled({ origin: 'notification-service', url: 'api.sendgrid.com/v3/mail/send', body: { personalizations: [{ to: [{ email: 'buyer@example.com' }] }] } })
    await expect(env).toHaveCalled({ origin: 'notification-service', url: 'api.twilio.com/*', where: { 'request.body.To': '+15551234567' } })
    await expect(env).toHaveLogged('order-service', new RegExp(`order ${orderId} paid`))
  })

  it('stores the order as paid and takes one widget out of stock', async () => {
    const order = await env.db('postgres-db').query('SELECT status, total_cents FROM orders WHERE id = $1', [orderId])
    expect(order.data).toEqual([{ status: 'paid', total_cents: 2498 }])
    const stock = await env.db('postgres-db').query("SELECT stock FROM products WHERE sku = 'WIDGET-001'")
    expect(stock.data).toEqual([{ stock: 49 }])
  })
})

describe('checkout, card declined', () => {
  const env = useEnvironment(checkout('checkout-card-declined-ts', fromYaml('shared/mock-stripe-card-declined.yaml')))
  let orderId: number

  it('creates an order', async () => {
    const res = await env.http.post('api-gateway/v1/orders', { json: { customerId: 1, items: [{ sku: 'WIDGET-001', quantity: 1 }] } })
    expect(res.status).toBe(201)
    orderId = (res.body as { order: { id: number } }).order.id
  })

  it('refuses the payment: 402, no shipping label, no email', async () => {
    const res = await env.http.post(`api-gateway/v1/orders/${orderId}/pay`, { json: { paymentMethod: 'pm_test_visa' } })
    expect(res.status).toBe(402)
    expect(res.body).toMatchObject({ error: expect.stringContaining('declined') })
    await expect(env).toHaveCalled({ origin: 'payment-service', url: 'api.stripe.com/v1/charges', status: 402 })
    await expect(env).not.toHaveCalled({ url: 'api.easypost.com/*' })
    await expect(env).not.toHaveCalled({ url: 'api.sendgrid.com/*' })
  })

  it('marks the order payment_failed and keeps the stock', async () => {
    const order = await env.db('postgres-db').query('SELECT status FROM orders WHERE id = $1', [orderId])
    expect(order.data).toEqual([{ status: 'payment_failed' }])
    const stock = await env.db('postgres-db').query("SELECT stock FROM products WHERE sku = 'WIDGET-001'")
    expect(stock.data).toEqual([{ stock: 50 }])
  })
})
