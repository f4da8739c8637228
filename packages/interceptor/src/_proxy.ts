// One HTTP exchange through the interceptor: target and origin, MOCK selection, forwarding to a
// SERVICE or the real host (streamed both ways), the unmocked 502, WebSocket upgrades, and the
// record of it all. Every error path ends in a record; nothing here may throw out of a handler.
import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { BodyCapture, recordBody } from './_body-capture.js'
import { BODY_MATCH_LIMIT, BodyView, type MockCandidates, type MockTable } from './_mocks.js'
import type { Logger } from './_logger.js'
import type { Recorder } from './_recorder.js'
import type { RecordedBody, TrafficOutcome, TrafficRecord, UpstreamEntry } from './types.js'

/** The part of the configuration the data path reads; replaced as a whole on updates. */
export interface Settings {
  captureLimit: number
  externalTraffic: 'block' | 'passthrough'
  /** Normalised source address → item name. */
  origins: Map<string, string>
  upstreams: Map<string, UpstreamEntry[]>
  mocks: MockTable
}

export interface ProxyContext {
  settings: Settings
  readonly recorder: Recorder
  readonly logger: Logger
  readonly agents: { http: http.Agent; https: https.Agent }
  /** Pending MOCK delays, cleared by close(). */
  readonly timers: Set<NodeJS.Timeout>
  /** Registers a socket that close() must destroy. */
  track(socket: Duplex): void
}

/** What the listener knows about a connection. */
export interface ConnInfo {
  /** Fixed origin (`test` for the ingress); undefined = look up the remote address. */
  origin: string | undefined
  tls: boolean
  /** Port the call was addressed to when the Host header names none. */
  port: number
  /** CONNECT host: the target when there is no Host header. */
  host: string | undefined
}

interface Target {
  host: string
  port: number
  tls: boolean
  origin: string
  /** Request target in origin form (`/path?query`). */
  pathAndQuery: string
  path: string
}

interface FixedResponse {
  status: number
  headers: string[]
  recordHeaders: Record<string, string>
  body: Buffer
  delayMs: number
}

const EMPTY: Buffer[] = []
const REQUEST_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect'])
const RESPONSE_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade'])
const UPGRADE_HOP = new Set(['keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'expect'])

export function normaliseAddress(address: string | undefined): string {
  if (!address) return ''
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/** `host[:port]` or `[v6][:port]` → [host, port]. */
export function splitHostPort(value: string): [string, number | undefined] {
  let host = value
  let portText: string | undefined
  if (value.startsWith('[')) {
    const end = value.indexOf(']')
    if (end === -1) return [value, undefined]
    host = value.slice(1, end)
    if (value[end + 1] === ':') portText = value.slice(end + 2)
  } else {
    const colon = value.indexOf(':')
    if (colon !== -1 && colon === value.lastIndexOf(':')) {
      host = value.slice(0, colon)
      portText = value.slice(colon + 1)
    }
  }
  const port = portText === undefined ? undefined : Number(portText)
  return [host, port !== undefined && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined]
}

function describe(ctx: ProxyContext, conn: ConnInfo, req: http.IncomingMessage): Target {
  let url = req.url ?? '/'
  let host: string | undefined
  let port: number | undefined
  let tls = conn.tls
  if (url.charCodeAt(0) !== 47 && /^https?:\/\//i.test(url)) {
    // Absolute form, sent to the ingress.
    tls = url.charCodeAt(4) === 115 || url.charCodeAt(4) === 83
    const start = tls ? 8 : 7
    let end = start
    while (end < url.length && url[end] !== '/' && url[end] !== '?' && url[end] !== '#') end++
    const authority = url.slice(start, end)
    ;[host, port] = splitHostPort(authority.slice(authority.lastIndexOf('@') + 1))
    port ??= tls ? 443 : 80
    url = url.slice(end)
    if (url === '' || url[0] !== '/') url = '/' + url
  } else {
    const header = req.headers.host
    if (header) [host, port] = splitHostPort(header)
    if (!host) host = conn.host ?? ((req.socket as TLSSocket).servername || undefined) ?? normaliseAddress(req.socket.localAddress)
    port ??= conn.port
  }
  const hash = url.indexOf('#')
  if (hash !== -1) url = url.slice(0, hash)
  const q = url.indexOf('?')
  const remote = normaliseAddress(req.socket.remoteAddress)
  return {
    host,
    port,
    tls,
    origin: conn.origin ?? ctx.settings.origins.get(remote) ?? `unknown:${remote}`,
    pathAndQuery: url,
    path: q === -1 ? url : url.slice(0, q),
  }
}

function flatHeaders(headers: http.IncomingHttpHeaders | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key in headers) {
    const value = headers[key]
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

function filterHeaders(raw: string[], drop: Set<string>): string[] {
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (!drop.has(name.toLowerCase())) out.push(name, raw[i + 1]!)
  }
  return out
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}

class Exchange {
  readonly seq: number
  readonly step: number
  readonly startedAt = Date.now()
  readonly t0 = performance.now()
  readonly reqHeaders: http.IncomingHttpHeaders
  readonly reqCapture: BodyCapture
  resStatus: number | undefined
  resHeaders: http.IncomingHttpHeaders | Record<string, string> | undefined
  resCapture: BodyCapture | undefined
  resFixed: Buffer | undefined
  outcome: TrafficOutcome = 'error'
  mock: string | undefined
  error: string | undefined
  /** Stops whatever is still running for this exchange (upstream request, delay timer). */
  cancel: (() => void) | undefined
  done = false

  constructor(
    readonly ctx: ProxyContext,
    readonly t: Target,
    readonly method: string,
    req: http.IncomingMessage,
  ) {
    this.seq = ctx.recorder.begin()
    this.step = ctx.recorder.step
    this.reqHeaders = req.headers
    this.reqCapture = new BodyCapture(ctx.settings.captureLimit, req.headers['content-encoding'])
  }

  fail(message: string): void {
    if (this.done) return
    this.outcome = 'error'
    this.error ??= message
  }

  finish(): void {
    if (this.done) return
    this.done = true
    this.cancel = undefined
    const durationMs = round(performance.now() - this.t0)
    const limit = this.ctx.settings.captureLimit
    let pending = 2
    const complete = () => {
      if (--pending > 0) return
      const bytes = this.reqCapture.kept + (this.resCapture?.kept ?? Math.min(this.resFixed?.length ?? 0, limit))
      this.ctx.recorder.complete(this.seq, () => this.toRecord(durationMs, limit), bytes)
    }
    this.reqCapture.close(complete)
    if (this.resCapture) this.resCapture.close(complete)
    else complete()
  }

  toRecord(durationMs: number, limit: number): TrafficRecord {
    const t = this.t
    const host = t.host.includes(':') ? `[${t.host}]` : t.host
    const record: TrafficRecord = {
      seq: this.seq,
      step: this.step,
      origin: t.origin,
      target: t.host,
      port: t.port,
      tls: t.tls,
      method: this.method,
      url: `http://${host}${t.pathAndQuery}`,
      path: t.path,
      request: { headers: flatHeaders(this.reqHeaders), ...this.reqCapture.result(this.reqHeaders['content-type']) },
      response: undefined,
      outcome: this.outcome,
      mock: this.mock,
      error: this.error,
      startedAt: this.startedAt,
      durationMs,
    }
    if (this.resStatus !== undefined) {
      const headers = flatHeaders(this.resHeaders ?? {})
      let body: RecordedBody
      if (this.resCapture) body = this.resCapture.result(headers['content-type'])
      else {
        const fixed = this.resFixed ?? Buffer.alloc(0)
        body = recordBody(fixed.subarray(0, limit), fixed.length, fixed.length > limit, headers['content-type'])
      }
      record.response = { status: this.resStatus, headers, ...body }
    }
    return record
  }
}

/** Handles a parsed request from any listener (reverse proxy, TLS, ingress, CONNECT tunnel). */
export function handleRequest(ctx: ProxyContext, conn: ConnInfo, req: http.IncomingMessage, res: http.ServerResponse): void {
  ctx.recorder.settled(req.socket)
  const t = describe(ctx, conn, req)
  const ex = new Exchange(ctx, t, req.method ?? 'GET', req)
  req.on('data', (chunk: Buffer) => ex.reqCapture.write(chunk))
  req.on('error', () => ex.fail('the client aborted the request'))
  res.on('error', () => ex.fail('the client connection failed'))
  res.on('finish', () => ex.finish())
  res.on('close', () => {
    if (ex.done) return
    ex.fail('the client closed the connection before the response was complete')
    ex.cancel?.()
    ex.finish()
  })

  const settings = ctx.settings
  const candidates = settings.mocks.candidates({ host: t.host, port: t.port, path: t.path, method: ex.method, origin: t.origin })
  if (!candidates.needsBody) {
    route(ex, req, res, settings, candidates, undefined, EMPTY, false)
    return
  }
  readHead(req, BODY_MATCH_LIMIT, (head, ended) => {
    if (ex.done) return
    const view = new BodyView(head.length === 1 ? head[0]! : Buffer.concat(head))
    route(ex, req, res, settings, candidates, view, head, ended)
  })
}

/** Collects the first `limit` bytes of a body (or all of it), then pauses the stream. */
function readHead(req: http.IncomingMessage, limit: number, done: (head: Buffer[], ended: boolean) => void): void {
  const head: Buffer[] = []
  let size = 0
  let finished = false
  const stop = (ended: boolean) => {
    if (finished) return
    finished = true
    req.off('data', onData)
    req.off('end', onEnd)
    req.off('close', onClose)
    if (!ended) req.pause()
    done(head, ended)
  }
  const onData = (chunk: Buffer) => {
    head.push(chunk)
    size += chunk.length
    if (size >= limit) stop(false)
  }
  const onEnd = () => stop(true)
  const onClose = () => stop(req.readableEnded)
  req.on('data', onData)
  req.on('end', onEnd)
  req.on('close', onClose)
}

function route(ex: Exchange, req: http.IncomingMessage, res: http.ServerResponse, settings: Settings, candidates: MockCandidates, body: BodyView | undefined, head: Buffer[], ended: boolean): void {
  const mock = settings.mocks.select(candidates, body)
  if (mock) {
    ex.mock = mock.rule.name
    respondFixed(ex, req, res, mock.response, 'mocked', ended)
    return
  }
  const up = pickUpstream(settings, ex.t)
  if (up) {
    forward(ex, req, res, { host: up.upstream.host, port: up.upstream.port, tls: false }, head, ended, 'proxied')
  } else if (settings.externalTraffic === 'passthrough') {
    forward(ex, req, res, { host: ex.t.host, port: ex.t.port, tls: ex.t.tls }, head, ended, 'passthrough')
  } else {
    const nearest = settings.mocks.nearest(ex.t.host, ex.t.path, ex.method)
    ex.mock = nearest?.name
    respondFixed(ex, req, res, unmockedResponse(ex, nearest), 'unmocked', ended)
  }
}

function pickUpstream(settings: Settings, t: Target): UpstreamEntry | undefined {
  const list = settings.upstreams.get(t.host) ?? settings.upstreams.get(t.host.toLowerCase())
  if (!list) return undefined
  for (const entry of list) if (entry.port === t.port) return entry
  return list[0]
}

function unmockedResponse(ex: Exchange, nearest: { name: string; target: string; path: string; method: string } | undefined): FixedResponse {
  const t = ex.t
  const where = `${ex.method} ${t.tls ? 'https' : 'http'}://${t.host}${t.path}`
  let message = `[dokkimi] [interceptor] No SERVICE or MOCK matches ${where}; external traffic is blocked.`
  if (nearest) message += ` Nearest mock: "${nearest.name}" (${nearest.method || '*'} ${nearest.target}${nearest.path}).`
  message += ` Add a MOCK for host "${t.host}" or set externalTraffic: passthrough.`
  const body = Buffer.from(JSON.stringify({ error: 'DOKKIMI_UNMOCKED', message, host: t.host, ...(nearest ? { nearestMock: nearest.name } : {}) }))
  const recordHeaders = { 'content-type': 'application/json', 'content-length': String(body.length), 'x-dokkimi-unmocked': 'true' }
  return { status: 502, headers: Object.entries(recordHeaders).flat(), recordHeaders, body, delayMs: 0 }
}

/** Sends a MOCK or interceptor-made response once the request body is in, after the delay. */
function respondFixed(ex: Exchange, req: http.IncomingMessage, res: http.ServerResponse, r: FixedResponse, outcome: TrafficOutcome, ended: boolean): void {
  const { ctx } = ex
  ex.outcome = outcome
  const send = () => {
    if (res.destroyed || res.headersSent) return
    ex.resStatus = r.status
    ex.resHeaders = r.recordHeaders
    ex.resFixed = r.body
    try {
      res.writeHead(r.status, r.headers)
      res.end(r.body)
    } catch (error) {
      ctx.logger.warn('mock: could not send the response', { mock: ex.mock, error: (error as Error).message })
      ex.fail((error as Error).message)
      res.destroy()
    }
  }
  const start = () => {
    if (ex.done) return
    if (r.delayMs <= 0) return send()
    const timer = setTimeout(() => {
      ctx.timers.delete(timer)
      send()
    }, r.delayMs)
    ctx.timers.add(timer)
    ex.cancel = () => {
      clearTimeout(timer)
      ctx.timers.delete(timer)
    }
  }
  if (ended || req.readableEnded) start()
  else {
    req.once('end', start)
    req.resume()
  }
}

interface Destination {
  host: string
  port: number
  tls: boolean
}

function isBodyless(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length']
  return (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined
}

function forward(ex: Exchange, req: http.IncomingMessage, res: http.ServerResponse, dest: Destination, head: Buffer[], ended: boolean, outcome: TrafficOutcome): void {
  const { ctx } = ex
  const headers = filterHeaders(req.rawHeaders, REQUEST_HOP)
  if (req.headers.host === undefined) headers.push('Host', ex.t.port === (ex.t.tls ? 443 : 80) ? ex.t.host : `${ex.t.host}:${ex.t.port}`)
  const bodyless = ended ? head.every((c) => c.length === 0) : head.length === 0 && isBodyless(req)
  let responded = false
  let attempt = 0

  const send = () => {
    attempt++
    const upReq = (dest.tls ? https : http).request({
      host: dest.host,
      port: dest.port,
      method: ex.method,
      path: ex.t.pathAndQuery,
      headers,
      setHost: false,
      agent: dest.tls ? ctx.agents.https : ctx.agents.http,
      ...(dest.tls && !isIP(dest.host) ? { servername: dest.host } : {}),
    })
    ex.cancel = () => upReq.destroy()

    upReq.on('response', (upRes) => {
      responded = true
      ex.outcome = outcome
      ex.resStatus = upRes.statusCode ?? 502
      ex.resHeaders = upRes.headers
      const capture = (ex.resCapture = new BodyCapture(ctx.settings.captureLimit, upRes.headers['content-encoding']))
      upRes.on('data', (chunk: Buffer) => capture.write(chunk))
      upRes.on('error', () => undefined)
      upRes.on('close', () => {
        if (upRes.complete || res.writableEnded) return
        ex.fail(`${dest.host}:${dest.port} closed the connection before the response was complete`)
        res.destroy()
      })
      if (res.destroyed) return
      try {
        res.sendDate = false
        res.writeHead(ex.resStatus, upRes.statusMessage, filterHeaders(upRes.rawHeaders, RESPONSE_HOP))
      } catch (error) {
        ex.fail(`invalid response from ${dest.host}:${dest.port}: ${(error as Error).message}`)
        upReq.destroy()
        res.destroy()
        return
      }
      upRes.pipe(res)
    })

    upReq.on('error', (error: NodeJS.ErrnoException) => {
      if (ex.done) return
      if (responded) {
        ex.fail(`${dest.host}:${dest.port}: ${error.code ?? error.message}`)
        res.destroy()
        return
      }
      // A kept-alive socket the upstream closed meanwhile: retry once when nothing is lost.
      if (attempt === 1 && bodyless && upReq.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        send()
        return
      }
      ex.fail(`${outcome === 'proxied' ? 'upstream' : 'external host'} ${dest.host}:${dest.port} failed: ${error.code ?? error.message}`)
      ctx.logger.debug('forward failed', { seq: ex.seq, host: dest.host, port: dest.port, error: error.code ?? error.message })
      if (!res.headersSent && !res.destroyed) {
        const body = `[dokkimi] [interceptor] ${ex.error}\n`
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) })
        res.end(body)
      } else {
        res.destroy()
      }
    })

    if (bodyless) {
      upReq.end()
      if (attempt === 1 && !ended) req.resume()
      return
    }
    for (const chunk of head) upReq.write(chunk)
    if (ended || req.readableEnded) upReq.end()
    else req.pipe(upReq)
  }
  send()
}

/** A WebSocket (or other) upgrade: forwarded and piped both ways; recorded when the upstream answers. */
export function handleUpgrade(ctx: ProxyContext, conn: ConnInfo, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  ctx.recorder.settled(req.socket)
  ctx.track(socket)
  socket.on('error', () => undefined)
  const t = describe(ctx, conn, req)
  const ex = new Exchange(ctx, t, req.method ?? 'GET', req)
  const settings = ctx.settings
  socket.on('close', () => {
    if (ex.done) return
    ex.fail('the client closed the connection before the upgrade completed')
    ex.cancel?.()
    ex.finish()
  })

  const fixed = (r: FixedResponse, outcome: TrafficOutcome) => {
    ex.outcome = outcome
    ex.resStatus = r.status
    ex.resHeaders = r.recordHeaders
    ex.resFixed = r.body
    writeRawResponse(socket, r.status, http.STATUS_CODES[r.status] ?? '', [...r.headers, 'connection', 'close'], r.body)
    ex.finish()
  }
  const mock = settings.mocks.select(settings.mocks.candidates({ host: t.host, port: t.port, path: t.path, method: ex.method, origin: t.origin }), new BodyView(Buffer.alloc(0)))
  if (mock) {
    ex.mock = mock.rule.name
    fixed(mock.response, 'mocked')
    return
  }
  const up = pickUpstream(settings, t)
  const dest: Destination | undefined = up
    ? { host: up.upstream.host, port: up.upstream.port, tls: false }
    : settings.externalTraffic === 'passthrough'
      ? { host: t.host, port: t.port, tls: t.tls }
      : undefined
  if (!dest) {
    const nearest = settings.mocks.nearest(t.host, t.path, ex.method)
    ex.mock = nearest?.name
    fixed(unmockedResponse(ex, nearest), 'unmocked')
    return
  }
  const outcome: TrafficOutcome = up ? 'proxied' : 'passthrough'
  const upReq = (dest.tls ? https : http).request({
    host: dest.host,
    port: dest.port,
    method: ex.method,
    path: t.pathAndQuery,
    headers: filterHeaders(req.rawHeaders, UPGRADE_HOP),
    setHost: false,
    agent: false,
    ...(dest.tls && !isIP(dest.host) ? { servername: dest.host } : {}),
  })
  ex.cancel = () => upReq.destroy()
  upReq.on('upgrade', (upRes, upSocket, upHead) => {
    ctx.track(upSocket)
    upSocket.on('error', () => socket.destroy())
    socket.on('close', () => upSocket.destroy())
    upSocket.on('close', () => socket.destroy())
    ex.outcome = outcome
    ex.resStatus = upRes.statusCode ?? 101
    ex.resHeaders = upRes.headers
    if (socket.destroyed) return upSocket.destroy()
    writeRawResponse(socket, ex.resStatus, upRes.statusMessage ?? '', upRes.rawHeaders, undefined)
    if (upHead.length > 0) socket.write(upHead)
    if (head.length > 0) upSocket.write(head)
    upSocket.pipe(socket)
    socket.pipe(upSocket)
    ex.finish()
  })
  upReq.on('response', (upRes) => {
    ex.outcome = outcome
    ex.resStatus = upRes.statusCode ?? 502
    ex.resHeaders = upRes.headers
    const capture = (ex.resCapture = new BodyCapture(settings.captureLimit, upRes.headers['content-encoding']))
    upRes.on('data', (chunk: Buffer) => capture.write(chunk))
    upRes.on('error', () => undefined)
    writeRawResponse(socket, ex.resStatus, upRes.statusMessage ?? '', [...filterHeaders(upRes.rawHeaders, new Set([...RESPONSE_HOP, 'content-length'])), 'connection', 'close'], undefined)
    upRes.pipe(socket)
    upRes.on('end', () => ex.finish())
  })
  upReq.on('error', (error: NodeJS.ErrnoException) => {
    if (ex.done) return
    ex.fail(`upgrade to ${dest.host}:${dest.port} failed: ${error.code ?? error.message}`)
    const body = Buffer.from(`[dokkimi] [interceptor] ${ex.error}\n`)
    writeRawResponse(socket, 502, 'Bad Gateway', ['content-type', 'text/plain; charset=utf-8', 'content-length', String(body.length), 'connection', 'close'], body)
    ex.finish()
  })
  upReq.end()
}

function writeRawResponse(socket: Duplex, status: number, message: string, headers: string[], body: Buffer | undefined): void {
  if (socket.destroyed || !socket.writable) return
  let head = `HTTP/1.1 ${status} ${message.replace(/[\r\n]/g, '')}\r\n`
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`
  socket.write(head + '\r\n')
  if (body) socket.end(body)
}

/** A request the HTTP parser rejected: answered 400 and recorded as `bad-request`. */
export function handleClientError(ctx: ProxyContext, conn: ConnInfo, error: NodeJS.ErrnoException & { reason?: string }, socket: Duplex): void {
  const code = error.code ?? ''
  if (!code.startsWith('HPE_') || code === 'HPE_INVALID_EOF_STATE') {
    socket.destroy()
    return
  }
  const seq = ctx.recorder.begin()
  const startedAt = Date.now()
  const body = Buffer.from(`[dokkimi] [interceptor] Bad request: ${error.reason ?? error.message}\n`)
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length), connection: 'close' }
  // Like Node's default: only answer when no response is being written on this connection.
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (!busy && socket.writable) {
    let head = 'HTTP/1.1 400 Bad Request\r\n'
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`
    socket.end(Buffer.concat([Buffer.from(head + '\r\n'), body]))
    socket.once('finish', () => socket.destroy())
    setTimeout(() => socket.destroy(), 1000).unref()
  } else {
    socket.destroy()
  }
  const remote = normaliseAddress((socket as Duplex & { remoteAddress?: string }).remoteAddress)
  const record: TrafficRecord = {
    seq,
    step: ctx.recorder.step,
    origin: conn.origin ?? ctx.settings.origins.get(remote) ?? `unknown:${remote}`,
    target: conn.host ?? '',
    port: conn.port,
    tls: conn.tls,
    method: '',
    url: '',
    path: '',
    request: { headers: {}, body: undefined, encoding: 'empty', size: 0, truncated: false },
    response: { status: 400, headers, ...recordBody(body, body.length, false, headers['content-type']) },
    outcome: 'bad-request',
    error: `${code}: ${error.reason ?? error.message}`,
    startedAt,
    durationMs: 0,
  }
  ctx.recorder.complete(seq, () => record, body.length)
}
