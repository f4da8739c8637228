// Test helpers: a throwaway CA, fixture servers on distinct loopback addresses, plain HTTP calls
// from a chosen source address, and the control API.
import { webcrypto } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { onTestFinished } from 'vitest'
import { installReflectMetadata } from '../src/_reflect-metadata.js'
import { startInterceptor, type InterceptorConfig, type Logger, type RunningInterceptor, type TrafficRecord } from '../src/index.js'

export interface TestCa {
  certPem: string
  keyPem: string
}

let caPromise: Promise<TestCa> | undefined

/** A self-signed EC P-256 CA, created once per test file. */
export function testCa(): Promise<TestCa> {
  caPromise ??= (async () => {
    installReflectMetadata()
    const x509 = await import('@peculiar/x509')
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Interceptor test CA',
      notBefore: new Date(Date.now() - 3600_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: alg,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    })
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
    return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') }
  })()
  return caPromise
}

export const silentLogger: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined }

/** Starts an interceptor on 127.0.0.1 with random ports; closed when the test ends. */
export async function start(config: Partial<InterceptorConfig> = {}, logger: Logger = silentLogger): Promise<RunningInterceptor & { http: number; tls: number }> {
  const running = await startInterceptor(
    {
      host: '127.0.0.1',
      httpPorts: [0],
      tlsPorts: [0],
      ingressPort: 0,
      controlPort: 0,
      ca: await testCa(),
      topology: [],
      upstreams: [],
      mocks: [],
      ...config,
    },
    { logger },
  )
  onTestFinished(() => running.close())
  return Object.assign(running, { http: running.ports.http[0]!, tls: running.ports.tls[0]! })
}

/** An HTTP fixture server on `address`; closed when the test ends. */
export async function fixture(address: string, handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return { server, port: (server.address() as AddressInfo).port }
}

/** An upstream that answers with a JSON description of what it received. */
export function echoHandler(name: string): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = JSON.stringify({ name, method: req.method, url: req.url, host: req.headers.host, body: Buffer.concat(chunks).toString() })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(body)
    })
  }
}

export interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  text: string
}

export interface CallOptions {
  port: number
  from?: string
  host?: string
  method?: string
  path?: string
  headers?: Record<string, string>
  body?: string | Buffer
  agent?: http.Agent | false
}

/** A plain HTTP call to the interceptor from source address `from` with a Host header. */
export function call(o: CallOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: o.port,
        localAddress: o.from ?? '127.0.0.1',
        method: o.method ?? 'GET',
        path: o.path ?? '/',
        headers: { ...(o.host ? { host: o.host } : {}), ...o.headers },
        agent: o.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString() })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(o.body)
  })
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url)
  return (await res.json()) as T
}

export async function records(running: RunningInterceptor, after = 0): Promise<TrafficRecord[]> {
  return getJson<TrafficRecord[]>(`${running.controlUrl}/records?after=${after}`)
}

/** Polls until `count` records are complete. */
export async function waitForRecords(running: RunningInterceptor, count: number, timeoutMs = 5000): Promise<TrafficRecord[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const list = await records(running)
    if (list.length >= count || Date.now() > deadline) return list
    await new Promise((r) => setTimeout(r, 10))
  }
}

export async function postJson(url: string, body: unknown, method = 'POST'): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined }
}
