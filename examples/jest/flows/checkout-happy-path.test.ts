// checkout-happy-path written in TypeScript: the environment mixes the example's YAML items
// (fromYaml) with builder calls, and the traffic checks are matchers.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { defineEnvironment, fromYaml, mock, postgres, service } from '@dokkimi/core'
import { useEnvironment } from '@dokkimi/jest-preset'

const checkout = defineEnvironment({
  name: 'checkout-happy-path-ts',
  baseDir: fileURLToPath(new URL('../../ecommerce/.dokkimi/', import.meta.url)),
  items: [
    fromYaml('shared/api-gateway.yaml'),
    fromYaml('shared/order-service.yaml'),
    fromYaml('shared/payment-service.yaml'),
    fromYaml('shared/shipping-service.yaml'),
    service('notification-service', {
      image: 'dokkimi-example/notification-service:dev',
      port: 3004,
      healthCheck: '/health',
      env: {
        SENDGRID_API_URL: 'https://api.sendgrid.com',
        SENDGRID_API_KEY: 'SG.test_dokkimi_example',
        SENDGRID_FROM_EMAIL: 'orders@shop.example',
        TWILIO_API_URL: 'https://api.twilio.com',
        TWILIO_ACCOUNT_SID: 'AC_test_dokkimi_example',
        TWILIO_AUTH_TOKEN: 'twilio_test_token',
        TWILIO_FROM_NUMBER: '+15550000000',
      },
    }),
    postgres('postgres-db', { initFiles: ['ecommerce/init/schema.sql', 'ecommerce/init/seed.sql'] }),
    mock('api.stripe.com', { method: 'POST', path: '/v1/charges', status: 200, body: { id: 'ch_test_123', object: 'charge', status: 'succeeded', amount: 2498, currency: 'usd' } }),
    fromYaml('shared/mock-easypost-success.yaml'),
    mock('api.sendgrid.com', { method: 'POST', path: '/v3/mail/send', status: 202, body: {} }),
    fromYaml('shared/mock-twilio-success.yaml'),
  ],
})

describe('checkout happy path (TypeScript)', () => {
  const env = useEnvironment(checkout)
  let orderId: number

  it('creates an order totalling 2498 cents', async () => {
    const res = await env.http.post('api-gateway/v1/orders', {
      json: { customerId: 1, items: [{ sku: 'WIDGET-001', quantity: 1 }, { sku: 'WIDGET-002', quantity: 1 }] },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ order: { totalCents: 2498 } })
    orderId = (res.body as { order: { id: number } }).order.id
  })

  it('charges Stripe once for 2498 cents, ships, emails and texts the buyer', async () => {
    const res = await env.http.post(`api-gateway/v1/orders/${orderId}/pay`, { json: { paymentMethod: 'pm_test_visa' } })
    expect(res.status).toBe(200)
    await expect(env).toHaveCalled({ origin: 'payment-service', method: 'POST', url: 'api.stripe.com/v1/charges', body: { amount: 2498, currency: 'usd' } })
    await expect(env).toHaveCalledTimes({ url: 'api.stripe.com/v1/charges' }, 1)
    await expect(env).toHaveCalled({ origin: 'shipping-service', method: 'POST', url: 'api.easypost.com/v2/shipments', status: 201 })
    await expect(env).toHaveCalled({ origin: 'notification-service', url: 'api.sendgrid.com/v3/mail/send', body: { personalizations: [{ to: [{ email: 'buyer@example.com' }] }] } })
    const [sms] = await env.traffic.calls({ origin: 'notification-service', url: 'api.twilio.com/*' })
    expect(sms?.request.body).toMatchObject({ To: '+15551234567' })
    expect(String((sms?.request.body as { Body?: string }).Body)).toContain('9400111899223456789012')
    await expect(env).toHaveLogged('order-service', new RegExp(`order ${orderId} paid`))
  })

  it('stores the order as paid and takes the widget out of stock', async () => {
    const db = env.db('postgres-db')
    const order = await db.query('SELECT status, total_cents FROM orders WHERE id = $1', [orderId])
    expect(order.data).toEqual([{ status: 'paid', total_cents: 2498 }])
    const stock = await db.query("SELECT stock FROM products WHERE sku = 'WIDGET-001'")
    expect(stock.data).toEqual([{ stock: 49 }])
  })
})
