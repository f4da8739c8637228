// Outbound calls with the global fetch (undici). Inside Dokkimi every host name (other services and
// external APIs alike) resolves to the environment's interceptor, which answers HTTPS with
// certificates from a CA the container trusts through NODE_EXTRA_CA_CERTS, so nothing here is
// Dokkimi-specific: the same code talks to the real Stripe in production.

export interface CallOptions {
  method?: string
  /** Sent as JSON unless `form` is given. */
  json?: unknown
  /** Sent as application/x-www-form-urlencoded. */
  form?: URLSearchParams
  headers?: Record<string, string>
  timeoutMs: number
  requestId?: string
}

export interface CallResult {
  status: number
  headers: Headers
  /** Parsed JSON when the body is JSON, else the text ('' when empty). */
  body: unknown
}

/** Thrown when the call did not get a complete answer within `timeoutMs`. */
export class CallTimeoutError extends Error {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`${url} did not answer within ${timeoutMs} ms`)
  }
}

export async function call(url: string, options: CallOptions): Promise<CallResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (options.requestId) headers['x-request-id'] = options.requestId
  let body: string | undefined
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = options.form.toString()
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  }
  // One signal bounds the whole exchange: connecting, the headers and reading the body.
  const signal = AbortSignal.timeout(options.timeoutMs)
  try {
    const res = await fetch(url, { method: options.method ?? 'GET', headers, body, signal })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: parseBody(text) }
  } catch (error) {
    if (signal.aborted) throw new CallTimeoutError(url, options.timeoutMs)
    throw error
  }
}

function parseBody(text: string): unknown {
  if (text === '') return ''
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** `body.key` when body is an object. */
export function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}
