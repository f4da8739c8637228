// checkout-card-declined written in TypeScript: Stripe declines the card, so nothing is shipped
// and no email is sent; `.not.toHaveCalled` waits for quiet traffic before it passes.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { defineEnvironment, fromYaml, mock } from '@dokkimi/core'
import { useEnvironment } from '@dokkimi/jest-preset'

const declined = defineEnvironment({
  name: 'checkout-card-declined-ts',
  baseDir: fileURLToPath(new URL('../../ecommerce/.dokkimi/shared/', import.meta.url)),
  items: [
    fromYaml('api-gateway.yaml'),
    fromYaml('order-service.yaml'),
    fromYaml('payment-service.yaml'),
    fromYaml('notification-service.yaml'),
    fromYaml('postgres-db.yaml'),
    mock('api.stripe.com', {
      name: 'mock-stripe',
      path: '/v1/charges',
      status: 402,
      body: { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.', decline_code: 'generic_decline' } },
    }),
    fromYaml('mock-twilio-success.yaml'),
    fromYaml('mock-sendgrid-success.yaml'),
  ],
})

describe('checkout with a declined card (TypeScript)', () => {
  const env = useEnvironment(declined)

  it('answers 402 and neither ships nor emails', async () => {
    const created = await env.http.post('api-gateway/v1/orders', { json: { customerId: 1, items: [{ sku: 'WIDGET-001', quantity: 1 }] } })
    const orderId = (created.body as { order: { id: number } }).order.id
    const res = await env.http.post(`api-gateway/v1/orders/${orderId}/pay`, { json: { paymentMethod: 'pm_test_visa' } })
    expect(res.status).toBe(402)
    expect((res.body as { error: string }).error).toContain('declined')
    await expect(env).toHaveCalled({ origin: 'payment-service', url: 'api.stripe.com/v1/charges', status: 402 })
    await expect(env).not.toHaveCalled({ url: 'api.easypost.com/*' })
    await expect(env).not.toHaveCalled({ origin: 'notification-service', url: 'api.sendgrid.com/*' })

    const db = env.db('postgres-db')
    expect((await db.query('SELECT status FROM orders WHERE id = $1', [orderId])).data).toEqual([{ status: 'payment_failed' }])
    expect((await db.query("SELECT stock FROM products WHERE sku = 'WIDGET-001'")).data).toEqual([{ stock: 50 }])
  })
})
