// The httpRequest action (F-131..F-139): sent with undici through the interceptor's ingress, so
// the call is captured like any other (origin `test`). Redirects are never followed.
import { setTimeout as sleep } from 'node:timers/promises'
import { FormData, request, type Dispatcher } from 'undici'
import { DokkimiError } from '../errors.js'
import { interpolateString, interpolateValue } from '../variables/interpolate.js'
import type { SelfDocument } from './_self.js'

export interface HttpAction {
  type: 'httpRequest'
  method: string
  url: string
  headers?: Record<string, string>
  body?: unknown
  formData?: Record<string, unknown>
  queryParams?: Record<string, unknown>
  timeout?: number
}

export interface HttpTarget {
  /** SERVICE name → port, to turn `order-service/api` into `http://order-service:3000/api` (F-132). */
  services: ReadonlyMap<string, number>
  dispatcher: Dispatcher
}

const RETRY_STATUSES = new Set([502, 503, 504])
const RETRIES = 3

/** Default per-attempt timeout in ms (F-137); `DOKKIMI_HTTP_TIMEOUT` overrides it. */
export function defaultHttpTimeout(): number {
  const fromEnv = Number(process.env.DOKKIMI_HTTP_TIMEOUT)
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 30_000
}

/** `service/path`, `host.with.dots/path` or a full URL → the absolute URL to request (F-132). */
export function resolveUrl(raw: string, services: ReadonlyMap<string, number>): URL {
  const explicitHttps = /^https:\/\//i.test(raw)
  const rest = raw.replace(/^https?:\/\//i, '')
  const slash = rest.search(/[/?#]/)
  const authority = slash < 0 ? rest : rest.slice(0, slash)
  const tail = slash < 0 ? '/' : rest.slice(slash)
  const [host = '', port] = authority.split(':')
  if (!host) throw new DokkimiError('STEP_HTTP_FAILED', `URL "${raw}" has no service or host`, { details: { url: raw } })
  const servicePort = services.get(host)
  let base: string
  if (servicePort !== undefined && !explicitHttps) base = `http://${host}:${port ?? servicePort}`
  else if (explicitHttps || host.split('.').length >= 3) base = `https://${authority}`
  else base = `http://${authority}`
  return new URL(`${base}${tail.startsWith('/') ? '' : '/'}${tail}`)
}

/** Appends queryParams to the URL: scalars once, arrays repeat the key (F-136). */
function addQuery(url: URL, params: Record<string, unknown> | undefined): void {
  if (!params) return
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, scalar(v))
  }
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

function formBody(fields: Record<string, unknown>): FormData {
  const form = new FormData()
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) {
      const name = key.endsWith('[]') ? key : `${key}[]`
      for (const v of value) form.append(name, scalar(v))
    } else if (isFile(value)) {
      form.append(key, new Blob([value.content], { type: value.contentType ?? 'application/octet-stream' }), value.filename)
    } else form.append(key, scalar(value))
  }
  return form
}

function isFile(value: unknown): value is { filename: string; content: string; contentType?: string } {
  return typeof value === 'object' && value !== null && typeof (value as { filename?: unknown }).filename === 'string' && 'content' in value
}

/** Parses a response body the way assertions see it (F-241): JSON parsed, other text kept, empty = {}. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return {}
  if (contentType?.includes('json') || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.parse(text)
    } catch {
      // not JSON after all: keep the text
    }
  }
  return text
}

function lowerHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  return out
}

/** Runs one httpRequest action with typed interpolation (F-027, F-029) and transient retries (F-138). */
export async function runHttp(action: HttpAction, vars: Record<string, unknown>, target: HttpTarget, signal?: AbortSignal): Promise<SelfDocument> {
  const strict = { onMissing: 'throw' } as const
  const url = resolveUrl(interpolateString(action.url, vars, strict), target.services)
  addQuery(url, interpolateValue(action.queryParams, vars, strict) as Record<string, unknown> | undefined)
  const method = action.method.toUpperCase()
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(action.headers ?? {})) headers[k] = interpolateString(v, vars, strict)
  const hasHeader = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name)

  let body: string | FormData | undefined
  let recordedBody: unknown = {}
  if (action.formData !== undefined) {
    const fields = interpolateValue(action.formData, vars, strict) as Record<string, unknown>
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k]
    recordedBody = fields
    body = formBody(fields)
  } else if (action.body !== undefined) {
    const value = interpolateValue(action.body, vars, strict)
    recordedBody = value
    if (typeof value === 'string') body = value
    else {
      body = JSON.stringify(value)
      if (!hasHeader('content-type')) headers['content-type'] = 'application/json'
    }
  }

  const timeout = action.timeout ?? defaultHttpTimeout()
  const shownUrl = `http://${url.host.replace(/:\d+$/, '')}${url.pathname}${url.search}`
  const request_ = { method, url: shownUrl, headers: lowerHeaders(headers), body: recordedBody }
  let delay = 500
  for (let attempt = 0; ; attempt++) {
    const started = performance.now()
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        dispatcher: target.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(signal ? { signal } : {}),
      })
      const text = await res.body.text()
      const responseTime = Math.round(performance.now() - started)
      const resHeaders = lowerHeaders(res.headers)
      const doc: SelfDocument = {
        request: request_,
        response: { status: res.statusCode, headers: resHeaders, body: parseBody(text, resHeaders['content-type']) },
        responseTime,
      }
      if (RETRY_STATUSES.has(res.statusCode) && attempt < RETRIES && !signal?.aborted) {
        await sleep(delay)
        delay = Math.min(delay * 2, 5_000)
        continue
      }
      return doc
    } catch (error) {
      if (signal?.aborted) throw error
      if (attempt < RETRIES) {
        await sleep(delay)
        delay = Math.min(delay * 2, 5_000)
        continue
      }
      throw new DokkimiError('STEP_HTTP_FAILED', `${method} ${shownUrl} failed: ${rootCause(error)}`, { cause: error, details: { url: shownUrl, method } })
    }
  }
}

function rootCause(error: unknown): string {
  let e = error
  while (e instanceof Error && e.cause instanceof Error) e = e.cause
  const code = (e as { code?: string }).code
  const text = e instanceof Error ? e.message : String(e)
  return code && !text.includes(code) ? `${text} (${code})` : text
}
