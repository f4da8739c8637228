// A tiny JSON HTTP service on node:http: path-parameter routing, JSON bodies, one access-log line
// per request, `x-request-id` propagation, and a prompt shutdown on SIGTERM (containers stop fast).
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import { errorMessage, log } from './log.js'

export interface Request {
  method: string
  path: string
  params: Record<string, string>
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  /** The parsed JSON body; undefined when the body is empty. */
  body: unknown
  rawBody: Buffer
  requestId: string
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (req: Request) => Promise<Reply> | Reply

export interface Route {
  method: string
  /** `/v1/orders/:id/pay` — `:name` segments become `req.params.name`. */
  path: string
  handler: Handler
}

export interface ServiceOptions {
  name: string
  port: number
  routes: Route[]
  /** Runs on SIGTERM/SIGINT after the server stopped accepting requests. */
  onShutdown?: () => Promise<void>
}

/** A reply carrying `{ error }`: every error body of the example has this shape. */
export function fail(status: number, error: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): Reply {
  return { status, body: { error, ...extra }, ...(headers ? { headers } : {}) }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const MAX_BODY = 1024 * 1024

export function startService(options: ServiceOptions): http.Server {
  const routes = options.routes.map((r) => ({ ...r, segments: r.path.split('/').filter(Boolean) }))

  const server = http.createServer((incoming, res) => {
    const started = performance.now()
    const url = new URL(incoming.url ?? '/', 'http://localhost')
    const method = incoming.method ?? 'GET'
    const requestId = headerValue(incoming.headers['x-request-id']) ?? randomUUID().slice(0, 8)
    const send = (reply: Reply) => {
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body)
      res.writeHead(reply.status, {
        ...(payload ? { 'content-type': 'application/json' } : {}),
        'x-request-id': requestId,
        ...reply.headers,
      })
      res.end(payload)
      // Health checks are polled: logging them would drown the interesting lines.
      if (url.pathname !== '/health') log.info(`${method} ${url.pathname} -> ${reply.status} (${Math.round(performance.now() - started)} ms) [req ${requestId}]`)
    }

    readBody(incoming)
      .then(async (rawBody) => {
        const match = findRoute(routes, method, url.pathname)
        if (!match) return send(fail(match === null ? 405 : 404, `no route for ${method} ${url.pathname}`))
        let body: unknown
        if (rawBody.length > 0) {
          try {
            body = JSON.parse(rawBody.toString('utf8'))
          } catch {
            return send(fail(400, 'the request body is not valid JSON'))
          }
        }
        const req: Request = { method, path: url.pathname, params: match.params, query: url.searchParams, headers: incoming.headers, body, rawBody, requestId }
        send(await match.route.handler(req))
      })
      .catch((error: unknown) => {
        if (error instanceof HttpError) return send(fail(error.status, error.message))
        log.error(`${method} ${url.pathname} failed: ${errorMessage(error)} [req ${requestId}]`)
        if (!res.headersSent) send(fail(500, 'internal error'))
      })
  })

  server.listen(options.port, () => log.info(`${options.name} listening on port ${options.port}`))

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info(`${options.name} received ${signal}, shutting down`)
    server.close()
    server.closeAllConnections()
    Promise.resolve(options.onShutdown?.())
      .catch((error: unknown) => log.error(`shutdown: ${errorMessage(error)}`))
      .finally(() => process.exit(0))
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  return server
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value
  return v && /^[\w.-]{1,64}$/.test(v) ? v : undefined
}

/** The route and its params; undefined = no path matches (404), null = path matches, method not (405). */
function findRoute(routes: (Route & { segments: string[] })[], method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined | null {
  const parts = pathname.split('/').filter(Boolean)
  let pathMatched = false
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue
    const params: Record<string, string> = {}
    const ok = route.segments.every((seg, i) => {
      const part = parts[i] ?? ''
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = decodeURIComponent(part)
        return true
      }
      return seg === part
    })
    if (!ok) continue
    pathMatched = true
    if (route.method === method) return { route, params }
  }
  return pathMatched ? null : undefined
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new HttpError(413, `the request body is larger than ${MAX_BODY} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** A positive integer id from a path parameter, or a 400. */
export function idParam(req: Request, name = 'id'): number {
  const raw = req.params[name] ?? ''
  const id = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id <= 0) throw new HttpError(400, `${name} must be a positive integer, got "${raw}"`)
  return id
}

/** The body as an object, or a 400. */
export function objectBody(req: Request): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new HttpError(400, 'the request body must be a JSON object')
  return req.body as Record<string, unknown>
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`)
  return n
}

export function envUrl(name: string, fallback: string): string {
  return (process.env[name] || fallback).replace(/\/+$/, '')
}
