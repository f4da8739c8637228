// api-gateway: the public entry point. Routes /v1/orders* to order-service, gives every request
// an x-request-id, and checks an API key when GATEWAY_API_KEYS is set (the example leaves it
// unset, so the Dokkimi definitions call it without credentials).
import { timingSafeEqual } from 'node:crypto'
import { call, CallTimeoutError } from '../../../lib/http-client.js'
import { envInt, envUrl, fail, startService, type Reply, type Request } from '../../../lib/http-service.js'
import { errorMessage, log } from '../../../lib/log.js'

const PORT = envInt('PORT', 3000)
const ORDER_SERVICE_URL = envUrl('ORDER_SERVICE_URL', 'http://order-service:3001')
const UPSTREAM_TIMEOUT_MS = envInt('UPSTREAM_TIMEOUT_MS', 30_000)
const API_KEYS = (process.env.GATEWAY_API_KEYS ?? '')
  .split(',')
  .map((k) => k.trim())
  .filter(Boolean)

/** Headers of the upstream answer that the client needs to see. */
const PASS_HEADERS = ['retry-after', 'location']

function authorised(req: Request): boolean {
  if (API_KEYS.length === 0) return true
  const header = req.headers.authorization ?? ''
  const token = header.startsWith('Bearer ') ? Buffer.from(header.slice(7)) : Buffer.alloc(0)
  return API_KEYS.some((key) => {
    const k = Buffer.from(key)
    return k.length === token.length && timingSafeEqual(k, token)
  })
}

/** Forwards the request to order-service under the same path and returns its answer as is. */
async function forward(req: Request): Promise<Reply> {
  if (!authorised(req)) return fail(401, 'missing or invalid API key', {}, { 'www-authenticate': 'Bearer' })
  const url = `${ORDER_SERVICE_URL}${req.path}`
  try {
    const res = await call(url, { method: req.method, json: req.body, timeoutMs: UPSTREAM_TIMEOUT_MS, requestId: req.requestId })
    const headers: Record<string, string> = {}
    for (const name of PASS_HEADERS) {
      const value = res.headers.get(name)
      if (value !== null) headers[name] = value
    }
    return { status: res.status, body: res.body === '' ? undefined : res.body, headers }
  } catch (error) {
    if (error instanceof CallTimeoutError) {
      log.error(`order-service did not answer ${req.method} ${req.path} within ${UPSTREAM_TIMEOUT_MS} ms`)
      return fail(504, 'order-service timed out')
    }
    log.error(`order-service unreachable for ${req.method} ${req.path}: ${errorMessage(error)}`)
    return fail(502, 'order-service unavailable')
  }
}

if (API_KEYS.length === 0) log.info('GATEWAY_API_KEYS is not set: API key checks are off')

startService({
  name: 'api-gateway',
  port: PORT,
  routes: [
    { method: 'GET', path: '/health', handler: () => ({ status: 200, body: { status: 'ok', service: 'api-gateway' } }) },
    { method: 'POST', path: '/v1/orders', handler: forward },
    { method: 'GET', path: '/v1/orders/:id', handler: forward },
    { method: 'POST', path: '/v1/orders/:id/pay', handler: forward },
  ],
})
