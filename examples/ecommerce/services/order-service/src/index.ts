// order-service: owns the order lifecycle (pending → paid, or payment_failed / payment_pending)
// in postgres. Creating an order checks stock; paying charges through payment-service; an order
// that becomes paid (synchronously or through payment-service's Stripe webhook → PATCH) has its
// stock decremented in the same transaction, then shipping-service is asked for a label.
//
// Fault injection for Dokkimi's own tests: DOKKIMI_EXAMPLE_BUG=wrong-total computes order totals
// from whole dollars (2498 becomes 2300), a plausible rounding bug the definitions must catch;
// DOKKIMI_EXAMPLE_BUG=wrong-charge keeps the order right but charges that rounded amount.
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { call, CallTimeoutError, field } from '../../../lib/http-client.js'
import { envInt, envUrl, fail, HttpError, idParam, objectBody, startService, type Reply, type Request } from '../../../lib/http-service.js'
import { errorMessage, log } from '../../../lib/log.js'

const PORT = envInt('PORT', 3001)
const DATABASE_URL = process.env.DATABASE_URL || 'postgresql://dokkimi:dokkimi@postgres-db:5432/dokkimi'
const PAYMENT_SERVICE_URL = envUrl('PAYMENT_SERVICE_URL', 'http://payment-service:3002')
const SHIPPING_SERVICE_URL = envUrl('SHIPPING_SERVICE_URL', 'http://shipping-service:3003')
// Longer than payment-service's own Stripe timeout plus its rate-limit retries.
const PAYMENT_TIMEOUT_MS = envInt('PAYMENT_TIMEOUT_MS', 20_000)
const SHIPPING_TIMEOUT_MS = envInt('SHIPPING_TIMEOUT_MS', 15_000)
const CURRENCY = 'usd'
const BUG = process.env.DOKKIMI_EXAMPLE_BUG ?? ''

type Status = 'pending' | 'payment_pending' | 'paid' | 'payment_failed'
/** States from which a charge may be attempted. */
const PAYABLE: Status[] = ['pending', 'payment_failed']
/** States that a confirmed payment (sync or webhook) may move to paid. */
const CONFIRMABLE: Status[] = ['pending', 'payment_pending', 'payment_failed']

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 5, connectionTimeoutMillis: 5000, idleTimeoutMillis: 10_000 })
pool.on('error', (error) => log.error(`postgres connection error: ${error.message}`))

interface Line {
  productId: number
  sku: string
  name: string
  quantity: number
  unitPriceCents: number
}

interface Customer {
  id: number
  name: string
  email: string
  phone: string | null
}

interface OrderView {
  id: number
  customerId: number
  status: Status
  totalCents: number
  currency: string
  createdAt: string
  items: { sku: string; name: string; quantity: number; unitPriceCents: number }[]
}

function orderTotal(lines: Line[]): number {
  if (BUG === 'wrong-total') return lines.reduce((sum, l) => sum + Math.floor(l.unitPriceCents / 100) * l.quantity, 0) * 100
  return lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0)
}

async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

async function loadOrder(id: number, db: pg.Pool | pg.PoolClient = pool): Promise<{ order: OrderView; customer: Customer } | undefined> {
  const o = await db.query<{ id: number; customer_id: number; status: Status; total_cents: number; created_at: Date; name: string; email: string; phone: string | null }>(
    `SELECT o.id, o.customer_id, o.status, o.total_cents, o.created_at, c.name, c.email, c.phone
       FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1`,
    [id],
  )
  const row = o.rows[0]
  if (!row) return undefined
  const items = await db.query<{ sku: string; name: string; quantity: number; unit_price_cents: number }>(
    `SELECT p.sku, p.name, oi.quantity, oi.unit_price_cents
       FROM order_items oi JOIN products p ON p.id = oi.product_id WHERE oi.order_id = $1 ORDER BY p.id`,
    [id],
  )
  return {
    order: {
      id: row.id,
      customerId: row.customer_id,
      status: row.status,
      totalCents: row.total_cents,
      currency: CURRENCY,
      createdAt: row.created_at.toISOString(),
      items: items.rows.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity, unitPriceCents: i.unit_price_cents })),
    },
    customer: { id: row.customer_id, name: row.name, email: row.email, phone: row.phone },
  }
}

// POST /v1/orders  { customerId, items: [{ sku, quantity }] }
async function createOrder(req: Request): Promise<Reply> {
  const body = objectBody(req)
  const customerId = body.customerId
  if (typeof customerId !== 'number' || !Number.isSafeInteger(customerId) || customerId <= 0) return fail(400, 'customerId must be a positive integer')
  if (!Array.isArray(body.items) || body.items.length === 0) return fail(400, 'items must be a non-empty array')
  const wanted = new Map<string, number>()
  for (const item of body.items as unknown[]) {
    const sku = field(item, 'sku')
    const quantity = field(item, 'quantity')
    if (typeof sku !== 'string' || sku === '') return fail(400, 'every item needs a sku')
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity <= 0) return fail(400, `quantity of ${sku} must be a positive integer`)
    wanted.set(sku, (wanted.get(sku) ?? 0) + quantity)
  }

  const customer = await pool.query('SELECT id FROM customers WHERE id = $1', [customerId])
  if (customer.rowCount === 0) return fail(404, `customer ${customerId} not found`)

  const products = await pool.query<{ id: number; sku: string; name: string; price_cents: number; stock: number }>(
    'SELECT id, sku, name, price_cents, stock FROM products WHERE sku = ANY($1::text[])',
    [[...wanted.keys()]],
  )
  const bySku = new Map(products.rows.map((p) => [p.sku, p]))
  const lines: Line[] = []
  for (const [sku, quantity] of wanted) {
    const p = bySku.get(sku)
    if (!p) return fail(422, `unknown sku ${sku}`)
    if (p.stock < quantity) {
      log.warn(`order rejected for customer ${customerId}: insufficient stock for ${sku} (requested ${quantity}, available ${p.stock})`)
      return fail(409, `insufficient stock for ${sku}: requested ${quantity}, available ${p.stock}`, { sku, requested: quantity, available: p.stock })
    }
    lines.push({ productId: p.id, sku, name: p.name, quantity, unitPriceCents: p.price_cents })
  }
  const total = orderTotal(lines)

  // Stock is only reserved once the order is paid; creating it checks availability only.
  const orderId = await inTransaction(async (db) => {
    const o = await db.query<{ id: number }>(`INSERT INTO orders (customer_id, status, total_cents) VALUES ($1, 'pending', $2) RETURNING id`, [customerId, total])
    const id = o.rows[0]!.id
    for (const l of lines) {
      await db.query('INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES ($1, $2, $3, $4)', [id, l.productId, l.quantity, l.unitPriceCents])
    }
    return id
  })
  log.info(`order ${orderId} created for customer ${customerId}: ${lines.length} item(s), total ${total} cents`)
  const created = await loadOrder(orderId)
  return { status: 201, body: { order: created!.order }, headers: { location: `/v1/orders/${orderId}` } }
}

// GET /v1/orders/:id
async function getOrder(req: Request): Promise<Reply> {
  const id = idParam(req)
  const found = await loadOrder(id)
  if (!found) return fail(404, `order ${id} not found`)
  return { status: 200, body: { order: found.order, customer: found.customer } }
}

/**
 * Moves an order to paid and takes its items out of stock, in one transaction. Idempotent: an
 * order that is already paid is left alone (`changed: false`), so a Stripe webhook arriving
 * after the synchronous charge does not decrement stock twice.
 */
async function markPaid(id: number, chargeId: string | undefined): Promise<{ changed: boolean }> {
  return inTransaction(async (db) => {
    const o = await db.query<{ status: Status }>('SELECT status FROM orders WHERE id = $1 FOR UPDATE', [id])
    const status = o.rows[0]?.status
    if (status === undefined) throw new HttpError(404, `order ${id} not found`)
    if (status === 'paid') return { changed: false }
    if (!CONFIRMABLE.includes(status)) throw new HttpError(409, `order ${id} is ${status} and cannot become paid`)
    await db.query(`UPDATE orders SET status = 'paid' WHERE id = $1`, [id])
    const items = await db.query<{ product_id: number; quantity: number; sku: string }>(
      'SELECT oi.product_id, oi.quantity, p.sku FROM order_items oi JOIN products p ON p.id = oi.product_id WHERE oi.order_id = $1 ORDER BY oi.product_id',
      [id],
    )
    for (const item of items.rows) {
      const updated = await db.query('UPDATE products SET stock = stock - $2 WHERE id = $1 AND stock >= $2', [item.product_id, item.quantity])
      // Sold out between ordering and paying: the payment stands, a person has to sort it out.
      if (updated.rowCount === 0) log.error(`order ${id} is paid but ${item.sku} is out of stock (needed ${item.quantity}); refund or restock required`)
    }
    log.info(`order ${id} paid${chargeId ? ` (charge ${chargeId})` : ''}: stock decremented for ${items.rows.length} product(s)`)
    return { changed: true }
  })
}

/** Asks shipping-service for a label (it notifies the customer). Failures are logged, not thrown: the order stays paid. */
async function fulfil(id: number, requestId: string): Promise<unknown> {
  const found = await loadOrder(id)
  if (!found) return null
  const { order, customer } = found
  try {
    const res = await call(`${SHIPPING_SERVICE_URL}/v1/shipments`, {
      method: 'POST',
      json: { orderId: id, totalCents: order.totalCents, currency: order.currency, customer, items: order.items },
      timeoutMs: SHIPPING_TIMEOUT_MS,
      requestId,
    })
    if (res.status !== 201) {
      log.error(`shipping-service answered ${res.status} for order ${id}: ${JSON.stringify(field(res.body, 'error') ?? res.body)}`)
      return null
    }
    return field(res.body, 'shipment') ?? null
  } catch (error) {
    log.error(`shipping-service call for order ${id} failed: ${errorMessage(error)}`)
    return null
  }
}

async function setStatus(id: number, to: Status, from: Status[]): Promise<boolean> {
  const r = await pool.query('UPDATE orders SET status = $2 WHERE id = $1 AND status = ANY($3::text[])', [id, to, from])
  return (r.rowCount ?? 0) > 0
}

// POST /v1/orders/:id/pay  { paymentMethod }
async function payOrder(req: Request): Promise<Reply> {
  const id = idParam(req)
  const body = objectBody(req)
  const paymentMethod = body.paymentMethod
  if (typeof paymentMethod !== 'string' || paymentMethod === '') return fail(400, 'paymentMethod is required')
  const found = await loadOrder(id)
  if (!found) return fail(404, `order ${id} not found`)
  const { order } = found
  if (order.status === 'paid') return fail(409, `order ${id} is already paid`)
  if (order.status === 'payment_pending') return fail(409, `payment for order ${id} is awaiting confirmation from the payment provider`)
  if (!PAYABLE.includes(order.status)) return fail(409, `order ${id} is ${order.status} and cannot be paid`)

  log.info(`charging ${order.totalCents} ${order.currency} for order ${id}`)
  let res
  try {
    res = await call(`${PAYMENT_SERVICE_URL}/v1/charges`, {
      method: 'POST',
      json: { orderId: id, amount: BUG === 'wrong-charge' ? Math.floor(order.totalCents / 100) * 100 - 100 : order.totalCents, currency: order.currency, paymentMethod, customerEmail: found.customer.email },
      timeoutMs: PAYMENT_TIMEOUT_MS,
      requestId: req.requestId,
    })
  } catch (error) {
    const reason = error instanceof CallTimeoutError ? `no answer within ${PAYMENT_TIMEOUT_MS} ms` : errorMessage(error)
    log.error(`payment-service call for order ${id} failed: ${reason}`)
    return fail(502, 'payment service unavailable; the order was not charged')
  }

  const reason = String(field(res.body, 'error') ?? '')
  switch (res.status) {
    case 201: {
      const chargeId = String(field(field(res.body, 'charge'), 'id') ?? '')
      await markPaid(id, chargeId)
      const shipment = await fulfil(id, req.requestId)
      const paid = await loadOrder(id)
      return { status: 200, body: { order: paid!.order, payment: { chargeId, status: 'succeeded' }, shipment } }
    }
    case 202:
    case 504: {
      // The charge may or may not have gone through: wait for Stripe's webhook to settle it.
      await setStatus(id, 'payment_pending', PAYABLE)
      log.warn(`payment for order ${id} is unconfirmed (payment-service answered ${res.status}); waiting for the Stripe webhook`)
      const pending = await loadOrder(id)
      return { status: 202, body: { order: pending!.order, message: 'payment is being confirmed by the payment provider' } }
    }
    case 402: {
      await setStatus(id, 'payment_failed', PAYABLE)
      log.warn(`payment for order ${id} declined: ${reason}`)
      const failed = await loadOrder(id)
      return fail(402, `payment declined: ${reason || 'card declined'}`, { code: field(res.body, 'code') ?? 'card_declined', order: failed!.order })
    }
    case 429: {
      // Retryable: the order stays pending so the customer can pay again later.
      const retryAfter = res.headers.get('retry-after')
      log.warn(`payment for order ${id} rate limited by the payment provider; order stays pending`)
      return fail(429, 'the payment provider is rate limiting requests; try again later', { retryAfter: retryAfter === null ? null : Number(retryAfter) }, retryAfter === null ? undefined : { 'retry-after': retryAfter })
    }
    default:
      log.error(`payment-service answered ${res.status} for order ${id}: ${reason}`)
      return fail(502, `payment failed: ${reason || `payment service answered ${res.status}`}`)
  }
}

// PATCH /v1/orders/:id  { status: 'paid' | 'payment_failed', chargeId?, failureCode? }  (from payment-service's webhook)
async function patchOrder(req: Request): Promise<Reply> {
  const id = idParam(req)
  const body = objectBody(req)
  const chargeId = typeof body.chargeId === 'string' ? body.chargeId : undefined
  if (body.status === 'paid') {
    const { changed } = await markPaid(id, chargeId)
    const shipment = changed ? await fulfil(id, req.requestId) : null
    if (!changed) log.info(`order ${id} is already paid; nothing to do`)
    const found = await loadOrder(id)
    return { status: 200, body: { order: found!.order, changed, shipment } }
  }
  if (body.status === 'payment_failed') {
    const found = await loadOrder(id)
    if (!found) return fail(404, `order ${id} not found`)
    if (found.order.status === 'paid') return fail(409, `order ${id} is already paid`)
    const changed = await setStatus(id, 'payment_failed', ['pending', 'payment_pending'])
    const failureCode = typeof body.failureCode === 'string' ? ` (${body.failureCode})` : ''
    if (changed) log.warn(`order ${id} payment failed${failureCode}${chargeId ? `, charge ${chargeId}` : ''}`)
    const updated = await loadOrder(id)
    return { status: 200, body: { order: updated!.order, changed } }
  }
  return fail(400, `status must be "paid" or "payment_failed", got ${JSON.stringify(body.status)}`)
}

const HEALTH_DB_TIMEOUT_MS = 2000

async function health(): Promise<Reply> {
  try {
    // Answer quickly even while postgres is still starting: the health poller retries.
    const timeout = sleep(HEALTH_DB_TIMEOUT_MS, undefined, { ref: false }).then(() => {
      throw new Error(`no answer within ${HEALTH_DB_TIMEOUT_MS} ms`)
    })
    await Promise.race([pool.query('SELECT 1'), timeout])
    return { status: 200, body: { status: 'ok', service: 'order-service', database: 'up' } }
  } catch (error) {
    return { status: 503, body: { status: 'unavailable', service: 'order-service', database: errorMessage(error) } }
  }
}

if (BUG) log.warn(`DOKKIMI_EXAMPLE_BUG=${BUG}: this build is wrong on purpose`)

startService({
  name: 'order-service',
  port: PORT,
  routes: [
    { method: 'GET', path: '/health', handler: health },
    { method: 'POST', path: '/v1/orders', handler: createOrder },
    { method: 'GET', path: '/v1/orders/:id', handler: getOrder },
    { method: 'PATCH', path: '/v1/orders/:id', handler: patchOrder },
    { method: 'POST', path: '/v1/orders/:id/pay', handler: payOrder },
  ],
  onShutdown: () => pool.end(),
})
