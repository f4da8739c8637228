// payment-service: charges cards through Stripe's Charges API and receives Stripe's webhooks.
//
// POST /v1/charges (from order-service) answers:
//   201 charge succeeded · 202 charge pending · 402 card declined · 429 still rate limited after
//   honouring Retry-After · 504 Stripe did not answer within STRIPE_TIMEOUT_MS (outcome unknown)
//   · 502 any other Stripe or network error.
// POST /webhooks/stripe (from Stripe) verifies the signature, then PATCHes the order in
// order-service: charge.succeeded → paid, charge.failed → payment_failed.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { call, CallTimeoutError, field } from '../../../lib/http-client.js'
import { envInt, envUrl, fail, objectBody, startService, type Reply, type Request } from '../../../lib/http-service.js'
import { errorMessage, log } from '../../../lib/log.js'

const PORT = envInt('PORT', 3002)
const ORDER_SERVICE_URL = envUrl('ORDER_SERVICE_URL', 'http://order-service:3001')
const STRIPE_API_URL = envUrl('STRIPE_API_URL', 'https://api.stripe.com')
const STRIPE_SECRET_KEY = process.env.STRIPE_SECRET_KEY ?? ''
const STRIPE_WEBHOOK_SECRET = process.env.STRIPE_WEBHOOK_SECRET ?? ''
const STRIPE_TIMEOUT_MS = envInt('STRIPE_TIMEOUT_MS', 3000)
/** Retries after a 429 (so 1 = two attempts at most). */
const STRIPE_MAX_RETRIES = envInt('STRIPE_MAX_RETRIES', 1)
/** A Retry-After longer than this is not waited for: the 429 goes back to the caller at once. */
const STRIPE_MAX_RETRY_AFTER_MS = envInt('STRIPE_MAX_RETRY_AFTER_MS', 10_000)
const ORDER_SERVICE_TIMEOUT_MS = envInt('ORDER_SERVICE_TIMEOUT_MS', 20_000)
/** Stripe's default tolerance for the timestamp of a signed webhook. */
const WEBHOOK_TOLERANCE_S = 300

if (!STRIPE_SECRET_KEY) log.warn('STRIPE_SECRET_KEY is not set: Stripe will reject every charge')

/** Retry-After (delta seconds or an HTTP date) in ms; 1 s when absent or unreadable. */
function retryAfterMs(value: string | null): number {
  if (value === null || value.trim() === '') return 1000
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? 1000 : Math.max(0, date - Date.now())
}

function stripeError(body: unknown): { type: string; code: string; message: string; declineCode: string } {
  const e = field(body, 'error')
  const s = (key: string) => {
    const v = field(e, key)
    return typeof v === 'string' ? v : ''
  }
  return { type: s('type'), code: s('code'), message: s('message'), declineCode: s('decline_code') }
}

// POST /v1/charges  { orderId, amount, currency, paymentMethod, customerEmail? }
async function createCharge(req: Request): Promise<Reply> {
  const body = objectBody(req)
  const { orderId, amount, currency, paymentMethod, customerEmail } = body
  if (typeof orderId !== 'number' && typeof orderId !== 'string') return fail(400, 'orderId is required')
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) return fail(400, 'amount must be a non-negative integer (cents)')
  if (typeof currency !== 'string' || !/^[a-z]{3}$/.test(currency)) return fail(400, 'currency must be a lowercase ISO code such as "usd"')
  if (typeof paymentMethod !== 'string' || paymentMethod === '') return fail(400, 'paymentMethod is required')

  // Stripe's API takes form-encoded parameters, nested keys in brackets.
  const form = new URLSearchParams({ amount: String(amount), currency, source: paymentMethod, description: `Order #${orderId}`, 'metadata[order_id]': String(orderId) })
  if (typeof customerEmail === 'string') form.set('receipt_email', customerEmail)
  const headers = {
    authorization: `Bearer ${STRIPE_SECRET_KEY}`,
    // Same key for the same order and card: a retry can never charge twice.
    'idempotency-key': `order-${orderId}-${paymentMethod}`,
  }

  for (let attempt = 0; ; attempt++) {
    let res
    try {
      res = await call(`${STRIPE_API_URL}/v1/charges`, { method: 'POST', form, headers, timeoutMs: STRIPE_TIMEOUT_MS, requestId: req.requestId })
    } catch (error) {
      if (error instanceof CallTimeoutError) {
        log.error(`stripe charge for order ${orderId} timed out after ${STRIPE_TIMEOUT_MS} ms; outcome unknown, waiting for the webhook`)
        return fail(504, `Stripe did not answer within ${STRIPE_TIMEOUT_MS} ms`, { outcome: 'unknown' })
      }
      log.error(`stripe unreachable for order ${orderId}: ${errorMessage(error)}`)
      return fail(502, 'Stripe is unreachable')
    }

    if (res.status === 429) {
      const waitMs = retryAfterMs(res.headers.get('retry-after'))
      const seconds = Math.ceil(waitMs / 1000)
      if (attempt >= STRIPE_MAX_RETRIES || waitMs > STRIPE_MAX_RETRY_AFTER_MS) {
        log.error(`stripe still rate limiting the charge for order ${orderId} after ${attempt + 1} attempt(s); giving up`)
        return fail(429, 'Stripe rate limit: too many requests', { retryAfter: seconds }, { 'retry-after': String(seconds) })
      }
      log.warn(`stripe rate limited the charge for order ${orderId} (429); retrying in ${waitMs} ms as retry-after asks (retry ${attempt + 1} of ${STRIPE_MAX_RETRIES})`)
      await sleep(waitMs)
      continue
    }

    if (res.status >= 200 && res.status < 300) {
      const chargeId = String(field(res.body, 'id') ?? '')
      const status = String(field(res.body, 'status') ?? '')
      const charge = { id: chargeId, status, amount, currency }
      if (status === 'succeeded') {
        log.info(`stripe charge ${chargeId} succeeded for order ${orderId}: ${amount} ${currency}`)
        return { status: 201, body: { charge } }
      }
      if (status === 'pending') {
        log.info(`stripe charge ${chargeId} for order ${orderId} is pending`)
        return { status: 202, body: { charge } }
      }
      log.warn(`stripe charge ${chargeId} for order ${orderId} has status "${status}"`)
      return fail(402, `charge ${status || 'failed'}`, { code: 'charge_failed', charge })
    }

    const e = stripeError(res.body)
    if (res.status === 402 || e.type === 'card_error') {
      log.warn(`stripe declined the card for order ${orderId}: ${e.code || 'card_error'}${e.declineCode ? ` (${e.declineCode})` : ''}`)
      return fail(402, e.message || 'Your card was declined.', { code: e.code || 'card_declined', declineCode: e.declineCode || null })
    }
    log.error(`stripe answered ${res.status} for order ${orderId}: ${e.type || 'unknown_error'} ${e.message}`)
    return fail(502, `Stripe error ${res.status}: ${e.message || e.type || 'unexpected answer'}`, { stripeStatus: res.status, type: e.type || null })
  }
}

/**
 * Stripe signs webhooks as `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Test-mode shortcut: with a `whsec_test_` secret, a header equal to the secret itself is
 * accepted too, which is what the example's Dokkimi definitions send.
 */
function signatureValid(header: string | undefined, rawBody: Buffer): boolean {
  if (!header || !STRIPE_WEBHOOK_SECRET) return false
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
  if (STRIPE_WEBHOOK_SECRET.startsWith('whsec_test_') && same(header, STRIPE_WEBHOOK_SECRET)) return true
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string | undefined])
  const t = parts.find(([k]) => k === 't')?.[1]
  const signatures = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '')
  if (!t || !/^\d+$/.test(t) || signatures.length === 0) return false
  if (Math.abs(Date.now() / 1000 - Number(t)) > WEBHOOK_TOLERANCE_S) return false
  const expected = createHmac('sha256', STRIPE_WEBHOOK_SECRET).update(`${t}.`).update(rawBody).digest('hex')
  return signatures.some((s) => same(s, expected))
}

// POST /webhooks/stripe  (a Stripe event)
async function stripeWebhook(req: Request): Promise<Reply> {
  const header = req.headers['stripe-signature']
  if (!signatureValid(Array.isArray(header) ? header[0] : header, req.rawBody)) {
    log.warn('rejected a stripe webhook with a missing or invalid stripe-signature')
    return fail(400, 'invalid stripe-signature')
  }
  const event = objectBody(req)
  const type = String(event.type ?? '')
  const charge = field(field(event, 'data'), 'object')
  const chargeId = String(field(charge, 'id') ?? '')
  const orderRef = field(field(charge, 'metadata'), 'order_id')
  const orderId = typeof orderRef === 'number' || typeof orderRef === 'string' ? String(orderRef).trim() : ''
  log.info(`stripe webhook ${String(event.id ?? '?')}: ${type}${orderId ? ` for order ${orderId}` : ''}`)

  let patch: Record<string, unknown>
  if (type === 'charge.succeeded') patch = { status: 'paid', chargeId }
  else if (type === 'charge.failed') patch = { status: 'payment_failed', chargeId, failureCode: field(charge, 'failure_code') ?? null }
  else return { status: 200, body: { received: true, ignored: `event type ${type} is not handled` } }
  if (!/^\d+$/.test(orderId)) {
    log.error(`stripe webhook ${type} without a usable metadata.order_id`)
    return fail(400, 'the charge has no metadata.order_id')
  }

  try {
    const res = await call(`${ORDER_SERVICE_URL}/v1/orders/${orderId}`, { method: 'PATCH', json: patch, timeoutMs: ORDER_SERVICE_TIMEOUT_MS, requestId: req.requestId })
    if (res.status === 200) return { status: 200, body: { received: true, orderId: Number(orderId), status: patch.status } }
    // Retrying would not change these: acknowledge so Stripe stops redelivering.
    if (res.status === 404 || res.status === 409) {
      log.error(`order-service refused ${String(patch.status)} for order ${orderId} (${res.status}): ${String(field(res.body, 'error') ?? '')}`)
      return { status: 200, body: { received: true, ignored: String(field(res.body, 'error') ?? res.status) } }
    }
    log.error(`order-service answered ${res.status} to the webhook update of order ${orderId}`)
    return fail(502, 'order update failed; Stripe will retry')
  } catch (error) {
    log.error(`order-service unreachable for the webhook update of order ${orderId}: ${errorMessage(error)}`)
    return fail(502, 'order-service unavailable; Stripe will retry')
  }
}

startService({
  name: 'payment-service',
  port: PORT,
  routes: [
    { method: 'GET', path: '/health', handler: () => ({ status: 200, body: { status: 'ok', service: 'payment-service' } }) },
    { method: 'POST', path: '/v1/charges', handler: createCharge },
    { method: 'POST', path: '/webhooks/stripe', handler: stripeWebhook },
  ],
})
