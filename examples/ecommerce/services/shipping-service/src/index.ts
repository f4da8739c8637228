// shipping-service: buys a shipping label through EasyPost (a one-call-buy shipment), then asks
// notification-service to tell the customer (email + SMS with the tracking code).
import { basicAuth, call, field } from '../../../lib/http-client.js'
import { envInt, envUrl, fail, objectBody, startService, type Reply, type Request } from '../../../lib/http-service.js'
import { errorMessage, log } from '../../../lib/log.js'

const PORT = envInt('PORT', 3003)
const EASYPOST_API_URL = envUrl('EASYPOST_API_URL', 'https://api.easypost.com')
const EASYPOST_API_KEY = process.env.EASYPOST_API_KEY ?? ''
const NOTIFICATION_SERVICE_URL = envUrl('NOTIFICATION_SERVICE_URL', 'http://notification-service:3004')
const EASYPOST_TIMEOUT_MS = envInt('EASYPOST_TIMEOUT_MS', 10_000)
const NOTIFICATION_TIMEOUT_MS = envInt('NOTIFICATION_TIMEOUT_MS', 10_000)
const PARCEL_OZ_PER_ITEM = 8

// The seed's data model has no addresses, so every parcel goes from the warehouse to one demo address.
const WAREHOUSE_ADDRESS = { company: 'Example Shop', street1: '417 Montgomery St', city: 'San Francisco', state: 'CA', zip: '94104', country: 'US' }
const DEMO_RECIPIENT_ADDRESS = { street1: '179 N Harbor Dr', city: 'Redondo Beach', state: 'CA', zip: '90277', country: 'US' }

// POST /v1/shipments  { orderId, totalCents, currency, customer: { name, email, phone }, items: [{ sku, quantity }] }
async function createShipment(req: Request): Promise<Reply> {
  const body = objectBody(req)
  const { orderId, customer } = body
  if (typeof orderId !== 'number') return fail(400, 'orderId must be a number')
  const name = field(customer, 'name')
  const email = field(customer, 'email')
  if (typeof name !== 'string' || typeof email !== 'string') return fail(400, 'customer.name and customer.email are required')
  const phone = field(customer, 'phone')
  const items = Array.isArray(body.items) ? body.items : []
  const quantity = items.reduce<number>((n, i) => n + (Number(field(i, 'quantity')) || 0), 0)

  let res
  try {
    res = await call(`${EASYPOST_API_URL}/v2/shipments`, {
      method: 'POST',
      headers: { authorization: basicAuth(EASYPOST_API_KEY, '') },
      json: {
        shipment: {
          reference: `order-${orderId}`,
          to_address: { name, email, ...(typeof phone === 'string' ? { phone } : {}), ...DEMO_RECIPIENT_ADDRESS },
          from_address: WAREHOUSE_ADDRESS,
          parcel: { weight: Math.max(1, quantity) * PARCEL_OZ_PER_ITEM },
          carrier: 'USPS',
          service: 'Priority',
        },
      },
      timeoutMs: EASYPOST_TIMEOUT_MS,
      requestId: req.requestId,
    })
  } catch (error) {
    log.error(`easypost call for order ${orderId} failed: ${errorMessage(error)}`)
    return fail(502, 'EasyPost is unreachable')
  }
  if (res.status !== 200 && res.status !== 201) {
    log.error(`easypost answered ${res.status} for order ${orderId}: ${JSON.stringify(field(res.body, 'error') ?? res.body)}`)
    return fail(502, `EasyPost error ${res.status}`)
  }
  const trackingCode = field(res.body, 'tracking_code')
  const labelUrl = field(field(res.body, 'postage_label'), 'label_url')
  if (typeof trackingCode !== 'string' || trackingCode === '') {
    log.error(`easypost shipment for order ${orderId} has no tracking code`)
    return fail(502, 'EasyPost returned no tracking code')
  }
  const shipment = { id: field(res.body, 'id') ?? null, trackingCode, labelUrl: typeof labelUrl === 'string' ? labelUrl : null, status: field(res.body, 'status') ?? null }
  log.info(`label bought for order ${orderId}: shipment ${String(shipment.id)}, tracking ${trackingCode}`)

  // The label exists either way: a failed notification is logged and reported, not fatal.
  let notification: unknown = null
  try {
    const n = await call(`${NOTIFICATION_SERVICE_URL}/v1/notifications/order-confirmation`, {
      method: 'POST',
      json: { orderId, totalCents: body.totalCents, currency: body.currency, customer, trackingCode, labelUrl: shipment.labelUrl },
      timeoutMs: NOTIFICATION_TIMEOUT_MS,
      requestId: req.requestId,
    })
    notification = n.body
    if (n.status !== 200) log.error(`notification-service answered ${n.status} for order ${orderId}`)
  } catch (error) {
    log.error(`notification-service call for order ${orderId} failed: ${errorMessage(error)}`)
  }
  return { status: 201, body: { shipment, notification } }
}

startService({
  name: 'shipping-service',
  port: PORT,
  routes: [
    { method: 'GET', path: '/health', handler: () => ({ status: 200, body: { status: 'ok', service: 'shipping-service' } }) },
    { method: 'POST', path: '/v1/shipments', handler: createShipment },
  ],
})
