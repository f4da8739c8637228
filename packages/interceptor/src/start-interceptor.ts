import type dgram from 'node:dgram'
import http from 'node:http'
import https from 'node:https'
import { isIPv6, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { TLSSocket, type SecureContext } from 'node:tls'
import pkg from '../package.json' with { type: 'json' }
import { createLeafCertificates, type LeafCertificates } from './_certs.js'
import { createControlHandler } from './_control.js'
import { startDnsServer } from './_dns.js'
import { createLogger, type Logger } from './_logger.js'
import { MockTable } from './_mocks.js'
import { handleClientError, handleRequest, handleUpgrade, normaliseAddress, splitHostPort, type ConnInfo, type ProxyContext, type Settings } from './_proxy.js'
import { Recorder } from './_recorder.js'
import type { InterceptorConfig, InterceptorConfigUpdate, InterceptorHealth, InterceptorPorts, UpstreamEntry } from './types.js'

export interface StartInterceptorOptions {
  /** Where log events go. @default JSON lines on stderr, level from `DOKKIMI_INTERCEPTOR_LOG` */
  logger?: Logger
}

/** A started interceptor. */
export interface RunningInterceptor {
  /** Bound ports (requested port → bound port for the proxy listeners). */
  ports: InterceptorPorts
  /** Base URL of the control API, e.g. `http://127.0.0.1:8081`. */
  controlUrl: string
  /** Forward-proxy URL for the test runner (origin `test`). */
  ingressUrl: string
  /** Same as `PUT /config`; resolves once new upstream ports listen. */
  updateConfig(update: InterceptorConfigUpdate): Promise<void>
  /** Stops every listener and destroys every socket, pending delays included. */
  close(): Promise<void>
}

const DEFAULT_CAPTURE_LIMIT = 1024 * 1024
const ALPN = ['http/1.1']
const SERVER_OPTIONS: http.ServerOptions = { requestTimeout: 0, keepAliveTimeout: 65_000, noDelay: true }

/** Starts the interceptor: proxy listeners, ingress, control API and DNS, as configured. */
export async function startInterceptor(config: InterceptorConfig, options: StartInterceptorOptions = {}): Promise<RunningInterceptor> {
  const logger = options.logger ?? createLogger()
  checkConfig(config)
  const host = config.host ?? '0.0.0.0'
  const startedAt = performance.now()
  let current: InterceptorConfig = { ...config }
  const certs = await createLeafCertificates(config.ca, 'dokkimi-interceptor')

  let closed = false
  const sockets = new Set<Duplex>()
  const servers: http.Server[] = []
  let dnsSocket: dgram.Socket | undefined
  const track = (socket: Duplex) => {
    if (closed) return void socket.destroy()
    if (sockets.has(socket)) return
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const ctx: ProxyContext = {
    settings: buildSettings(current, logger),
    recorder: new Recorder(),
    logger,
    agents: {
      http: new http.Agent({ keepAlive: true, scheduling: 'lifo', maxFreeSockets: 256, noDelay: true }),
      https: new https.Agent({ keepAlive: true, scheduling: 'lifo', maxFreeSockets: 64, noDelay: true }),
    },
    timers: new Set(),
    track,
  }
  const ports: InterceptorPorts = { ingress: 0, control: 0, http: {}, tls: {} }

  const watch = (server: http.Server, name: string) => {
    servers.push(server)
    server.on('connection', (socket: Socket) => {
      track(socket)
      // Quiescence must see a call whose connection is open but whose request has not arrived yet.
      if (name !== 'control') {
        ctx.recorder.opened(socket)
        socket.once('close', () => ctx.recorder.settled(socket))
      }
      socket.on('error', (error) => logger.debug('socket error', { listener: name, error: error.message }))
    })
    server.on('error', (error) => logger.warn('listener error', { listener: name, error: error.message }))
    return server
  }

  const tunnelConns = new WeakMap<object, ConnInfo>()
  const tunnel = watch(http.createServer(SERVER_OPTIONS), 'tunnel')
  const tunnelConn = (socket: object): ConnInfo => tunnelConns.get(socket) ?? { origin: 'test', tls: false, port: 80, host: undefined }
  tunnel.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => handleRequest(ctx, tunnelConn(req.socket), req, res))
  tunnel.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => handleUpgrade(ctx, tunnelConn(req.socket), req, socket, head))
  tunnel.on('clientError', (error: Error, socket: Duplex) => handleClientError(ctx, tunnelConn(socket), error, socket))

  const openHttp = async (port: number) => {
    const conn: ConnInfo = { origin: undefined, tls: false, port, host: undefined }
    const server = proxyServer(http.createServer(SERVER_OPTIONS), conn, `http:${port}`)
    ports.http[port] = await listen(server, port, host)
    if (port === 0) conn.port = ports.http[port]!
  }
  const openTls = async (port: number) => {
    const conn: ConnInfo = { origin: undefined, tls: true, port, host: undefined }
    const server = https.createServer({
      ...SERVER_OPTIONS,
      ...certs.defaultCredentials,
      ALPNProtocols: ALPN,
      SNICallback: sniCallback(certs, logger),
    })
    server.on('secureConnection', (socket: TLSSocket) => {
      track(socket)
      // Handshake done: the raw socket (Node keeps it as `_parent`) hands its pending state to the TLS socket.
      ctx.recorder.settled((socket as TLSSocket & { _parent?: object })._parent ?? socket)
      ctx.recorder.opened(socket)
      socket.once('close', () => ctx.recorder.settled(socket))
    })
    server.on('tlsClientError', (error) => logger.debug('tls handshake failed', { port, error: error.message }))
    proxyServer(server, conn, `tls:${port}`)
    ports.tls[port] = await listen(server, port, host)
    if (port === 0) conn.port = ports.tls[port]!
  }
  const proxyServer = (server: http.Server, conn: ConnInfo, name: string) => {
    watch(server, name)
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => handleRequest(ctx, conn, req, res))
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => handleUpgrade(ctx, conn, req, socket, head))
    server.on('clientError', (error: Error, socket: Duplex) => handleClientError(ctx, conn, error, socket))
    return server
  }

  const httpPortsFor = (cfg: InterceptorConfig) => {
    const tlsPorts = new Set(cfg.tlsPorts ?? [443])
    return [...new Set([...(cfg.httpPorts ?? [80]), ...cfg.upstreams.map((u) => u.port)])].filter((p) => !tlsPorts.has(p) || p === 0)
  }

  let updating: Promise<void> = Promise.resolve()
  const applyConfig = (update: InterceptorConfigUpdate): Promise<void> => {
    const run = async () => {
      if (closed) throw new Error('the interceptor is closed')
      const next: InterceptorConfig = { ...current }
      if (update.topology !== undefined) next.topology = update.topology
      if (update.upstreams !== undefined) next.upstreams = update.upstreams
      if (update.mocks !== undefined) next.mocks = update.mocks
      if (update.externalTraffic !== undefined) next.externalTraffic = update.externalTraffic
      checkConfig(next)
      ctx.settings = buildSettings(next, logger)
      current = next
      for (const port of httpPortsFor(next)) if (!(port in ports.http)) await openHttp(port)
    }
    const result = updating.then(run, run)
    updating = result.catch(() => undefined)
    return result
  }

  const health = (): InterceptorHealth => ({ ok: true, version: pkg.version, uptimeMs: Math.round(performance.now() - startedAt), ports })

  const close = async () => {
    if (closed) return
    closed = true
    for (const timer of ctx.timers) clearTimeout(timer)
    ctx.timers.clear()
    const closing = servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())))
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    ctx.agents.http.destroy()
    ctx.agents.https.destroy()
    if (dnsSocket) await new Promise<void>((resolve) => dnsSocket!.close(() => resolve()))
    await Promise.all(closing)
  }

  try {
    for (const port of httpPortsFor(current)) await openHttp(port)
    for (const port of new Set(config.tlsPorts ?? [443])) await openTls(port)

    const ingressConn: ConnInfo = { origin: 'test', tls: false, port: 80, host: undefined }
    const ingress = proxyServer(http.createServer(SERVER_OPTIONS), ingressConn, 'ingress')
    ingress.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      track(socket)
      ctx.recorder.settled(socket)
      socket.on('error', (error) => logger.debug('tunnel socket error', { error: error.message }))
      handleConnect(req, socket, head)
    })
    ports.ingress = await listen(ingress, config.ingressPort, host)

    const control = watch(http.createServer({ ...SERVER_OPTIONS, keepAliveTimeout: 5_000 }), 'control')
    control.on('request', createControlHandler({ recorder: ctx.recorder, logger, health, applyConfig }))
    ports.control = await listen(control, config.controlPort, host)

    if (config.dnsPort !== undefined) {
      const dns = await startDnsServer(host, config.dnsPort, config.dnsAnswer!, logger, () => ctx.recorder.touch())
      dnsSocket = dns.socket
      ports.dns = dns.port
    }
  } catch (error) {
    await close()
    throw error
  }

  function handleConnect(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const [connectHost, connectPort] = splitHostPort(req.url ?? '')
    if (!connectHost || !connectPort) {
      socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')
      return
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    // Peek at the first byte of the tunnelled stream: 0x16 is a TLS handshake, anything else plain HTTP.
    const dispatch = (first: Buffer) => {
      socket.pause()
      socket.unshift(first)
      if (first[0] !== 0x16) {
        tunnelConns.set(socket, { origin: 'test', tls: false, port: connectPort, host: connectHost })
        tunnel.emit('connection', socket)
        socket.resume() // paused above; the parser reads through 'data' events
        return
      }
      certs.contextFor(connectHost).then(
        (secureContext) => {
          if (socket.destroyed) return
          const tlsSocket = new TLSSocket(socket as Socket, { isServer: true, secureContext, ALPNProtocols: ALPN, SNICallback: sniCallback(certs, logger) })
          tlsSocket.on('error', (error) => logger.debug('tunnel tls error', { host: connectHost, error: error.message }))
          track(tlsSocket)
          ctx.recorder.settled(socket)
          tunnelConns.set(tlsSocket, { origin: 'test', tls: true, port: connectPort, host: connectHost })
          tunnel.emit('connection', tlsSocket)
        },
        (error: Error) => {
          logger.warn('could not mint a certificate', { host: connectHost, error: error.message })
          socket.destroy()
        },
      )
    }
    if (head.length > 0) dispatch(head)
    else socket.once('data', dispatch)
  }

  const display = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : isIPv6(host) ? `[${host}]` : host
  return {
    ports,
    controlUrl: `http://${display}:${ports.control}`,
    ingressUrl: `http://${display}:${ports.ingress}`,
    updateConfig: applyConfig,
    close,
  }
}

function sniCallback(certs: LeafCertificates, logger: Logger) {
  return (servername: string, cb: (error: Error | null, context?: SecureContext) => void) => {
    certs.contextFor(servername).then(
      (context) => cb(null, context),
      (error: Error) => {
        logger.warn('could not mint a certificate', { servername, error: error.message })
        cb(error)
      },
    )
  }
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new Error(`[dokkimi] [interceptor] cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { cause: error }))
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    })
  })
}

function buildSettings(config: InterceptorConfig, logger: Logger): Settings {
  const origins = new Map<string, string>()
  for (const item of config.topology) for (const address of item.addresses) origins.set(normaliseAddress(address), item.name)
  const upstreams = new Map<string, UpstreamEntry[]>()
  for (const entry of config.upstreams) {
    const list = upstreams.get(entry.name)
    if (list) list.push(entry)
    else upstreams.set(entry.name, [entry])
  }
  return {
    captureLimit: config.captureLimitBytes ?? DEFAULT_CAPTURE_LIMIT,
    externalTraffic: config.externalTraffic ?? 'block',
    origins,
    upstreams,
    mocks: new MockTable(config.mocks, logger),
  }
}

function checkConfig(config: InterceptorConfig): void {
  const fail = (message: string): never => {
    throw new Error(`[dokkimi] [interceptor] invalid configuration: ${message}`)
  }
  if (!config || typeof config !== 'object') fail('expected an object')
  if (!config.ca?.certPem || !config.ca?.keyPem) fail('"ca" needs certPem and keyPem')
  if (!Array.isArray(config.topology)) fail('"topology" must be an array')
  if (!Array.isArray(config.upstreams)) fail('"upstreams" must be an array')
  if (!Array.isArray(config.mocks)) fail('"mocks" must be an array')
  for (const t of config.topology) if (typeof t?.name !== 'string' || !Array.isArray(t.addresses)) fail(`topology entry ${JSON.stringify(t)} needs a name and addresses`)
  for (const u of config.upstreams) {
    if (typeof u?.name !== 'string' || !isPort(u.port) || typeof u.upstream?.host !== 'string' || !isPort(u.upstream.port)) fail(`upstream ${JSON.stringify(u)} needs name, port and upstream {host, port}`)
  }
  for (const m of config.mocks) if (typeof m?.name !== 'string' || typeof m.target !== 'string' || typeof m.path !== 'string') fail(`mock ${JSON.stringify(m?.name)} needs name, target and path`)
  if (config.externalTraffic !== undefined && config.externalTraffic !== 'block' && config.externalTraffic !== 'passthrough') fail(`externalTraffic "${String(config.externalTraffic)}" must be "block" or "passthrough"`)
  for (const p of [config.ingressPort, config.controlPort, ...(config.httpPorts ?? []), ...(config.tlsPorts ?? [])]) if (!isPort(p)) fail(`port ${JSON.stringify(p)} is not a port number`)
  if (config.dnsPort !== undefined && !isPort(config.dnsPort)) fail(`dnsPort ${JSON.stringify(config.dnsPort)} is not a port number`)
  if (config.dnsPort !== undefined && !config.dnsAnswer?.ipv4) fail('"dnsAnswer.ipv4" is required with dnsPort')
}

function isPort(p: unknown): p is number {
  return typeof p === 'number' && Number.isInteger(p) && p >= 0 && p < 65536
}
