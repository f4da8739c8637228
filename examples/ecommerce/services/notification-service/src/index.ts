// notification-service: order confirmations by email (SendGrid v3 mail/send, JSON) and SMS
// receipts (Twilio Messages API, form-encoded, HTTP basic auth with the account SID).
import { basicAuth, call, field } from '../../../lib/http-client.js'
import { envInt, envUrl, fail, objectBody, startService, type Reply, type Request } from '../../../lib/http-service.js'
import { errorMessage, log } from '../../../lib/log.js'

const PORT = envInt('PORT', 3004)
const SENDGRID_API_URL = envUrl('SENDGRID_API_URL', 'https://api.sendgrid.com')
const SENDGRID_API_KEY = process.env.SENDGRID_API_KEY ?? ''
const SENDGRID_FROM_EMAIL = process.env.SENDGRID_FROM_EMAIL || 'orders@shop.example'
const TWILIO_API_URL = envUrl('TWILIO_API_URL', 'https://api.twilio.com')
const TWILIO_ACCOUNT_SID = process.env.TWILIO_ACCOUNT_SID ?? ''
const TWILIO_AUTH_TOKEN = process.env.TWILIO_AUTH_TOKEN ?? ''
const TWILIO_FROM_NUMBER = process.env.TWILIO_FROM_NUMBER ?? ''
const PROVIDER_TIMEOUT_MS = envInt('PROVIDER_TIMEOUT_MS', 10_000)
const SHOP = 'Example Shop'

type ChannelResult = { status: 'sent' | 'skipped' | 'failed'; id?: string; reason?: string }

function money(cents: unknown, currency: unknown): string {
  if (typeof cents !== 'number') return ''
  const code = typeof currency === 'string' ? currency.toUpperCase() : 'USD'
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).format(cents / 100)
}

async function sendEmail(orderId: number, to: { email: string; name: string }, text: string, requestId: string): Promise<ChannelResult> {
  try {
    const res = await call(`${SENDGRID_API_URL}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SENDGRID_API_KEY}` },
      json: {
        personalizations: [{ to: [{ email: to.email, name: to.name }] }],
        from: { email: SENDGRID_FROM_EMAIL, name: SHOP },
        subject: `Your ${SHOP} order #${orderId} is confirmed`,
        content: [{ type: 'text/plain', value: text }],
        custom_args: { order_id: String(orderId) },
      },
      timeoutMs: PROVIDER_TIMEOUT_MS,
      requestId,
    })
    if (res.status !== 202 && res.status !== 200) {
      log.error(`sendgrid answered ${res.status} for order ${orderId}`)
      return { status: 'failed', reason: `sendgrid ${res.status}` }
    }
    const id = res.headers.get('x-message-id') ?? undefined
    log.info(`confirmation email for order ${orderId} sent to ${to.email}`)
    return { status: 'sent', ...(id ? { id } : {}) }
  } catch (error) {
    log.error(`sendgrid call for order ${orderId} failed: ${errorMessage(error)}`)
    return { status: 'failed', reason: errorMessage(error) }
  }
}

async function sendSms(orderId: number, to: string, text: string, requestId: string): Promise<ChannelResult> {
  try {
    const res = await call(`${TWILIO_API_URL}/2010-04-01/Accounts/${encodeURIComponent(TWILIO_ACCOUNT_SID)}/Messages.json`, {
      method: 'POST',
      headers: { authorization: basicAuth(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) },
      form: new URLSearchParams({ To: to, From: TWILIO_FROM_NUMBER, Body: text }),
      timeoutMs: PROVIDER_TIMEOUT_MS,
      requestId,
    })
    if (res.status !== 201 && res.status !== 200) {
      log.error(`twilio answered ${res.status} for order ${orderId}: ${String(field(res.body, 'message') ?? '')}`)
      return { status: 'failed', reason: `twilio ${res.status}` }
    }
    const sid = field(res.body, 'sid')
    log.info(`SMS receipt for order ${orderId} queued to ${to}${typeof sid === 'string' ? ` (${sid})` : ''}`)
    return { status: 'sent', ...(typeof sid === 'string' ? { id: sid } : {}) }
  } catch (error) {
    log.error(`twilio call for order ${orderId} failed: ${errorMessage(error)}`)
    return { status: 'failed', reason: errorMessage(error) }
  }
}

// POST /v1/notifications/order-confirmation  { orderId, totalCents, currency, customer: { name, email, phone }, trackingCode, labelUrl }
async function orderConfirmation(req: Request): Promise<Reply> {
  const body = objectBody(req)
  const { orderId, customer, trackingCode } = body
  if (typeof orderId !== 'number') return fail(400, 'orderId must be a number')
  const name = field(customer, 'name')
  const email = field(customer, 'email')
  const phone = field(customer, 'phone')
  if (typeof name !== 'string' || typeof email !== 'string') return fail(400, 'customer.name and customer.email are required')
  const total = money(body.totalCents, body.currency)
  const tracking = typeof trackingCode === 'string' && trackingCode ? trackingCode : undefined

  const emailText = [
    `Hi ${name},`,
    '',
    `thank you for your order #${orderId}${total ? ` (${total})` : ''}. Your payment was received.`,
    tracking ? `Your parcel is on its way. Tracking number: ${tracking}` : 'We will email you again once it ships.',
    '',
    SHOP,
  ].join('\n')
  const smsText = `${SHOP}: order #${orderId} confirmed${total ? `, ${total} paid` : ''}.${tracking ? ` Tracking: ${tracking}` : ''}`

  // Independent channels: one failing does not stop the other.
  const [emailResult, smsResult] = await Promise.all([
    sendEmail(orderId, { email, name }, emailText, req.requestId),
    typeof phone === 'string' && phone
      ? sendSms(orderId, phone, smsText, req.requestId)
      : Promise.resolve<ChannelResult>({ status: 'skipped', reason: 'no phone number' }),
  ])
  const ok = emailResult.status !== 'failed' && smsResult.status !== 'failed'
  return { status: ok ? 200 : 502, body: { orderId, email: emailResult, sms: smsResult } }
}

startService({
  name: 'notification-service',
  port: PORT,
  routes: [
    { method: 'GET', path: '/health', handler: () => ({ status: 200, body: { status: 'ok', service: 'notification-service' } }) },
    { method: 'POST', path: '/v1/notifications/order-confirmation', handler: orderConfirmation },
  ],
})
