// The interceptor's wire contract: its start configuration, its control API payloads and the
// traffic records it streams. Core and the runtimes import these types; the interceptor itself
// has no internal dependencies (ARCHITECTURE.md §2, §4).

/** An item of the environment as the interceptor sees it. */
export interface TopologyEntry {
  /** Item name (SERVICE, WORKER, DATABASE); used as the `origin` of calls from its address. */
  name: string
  /** Source addresses of the item's container(s); a call from one of them has this origin. */
  addresses: string[]
}

/** A SERVICE the interceptor fronts: calls to `name` (or any alias) go to `upstream`. */
export interface UpstreamEntry {
  /** The DNS name other containers use (the item name). */
  name: string
  /** The port the service listens on; the interceptor listens on it too. */
  port: number
  /** Where the real service is reachable from the interceptor (hidden upstream name or IP). */
  upstream: { host: string; port: number }
}

/** A MOCK rule (F-082..F-098), with the resolver's defaults already applied. */
export interface MockRule {
  /** The MOCK item's name (reported in records as `mock`). */
  name: string
  /** Host to match exactly (case-sensitive), `host:port` to match a port too, or `*` (F-083). */
  target: string
  /** `*`, an exact path, a prefix ending in `*`, `:id`/`{id}` segments, and a mid-path `*` matching one segment (F-084, decisions). */
  path: string
  /** Upper-case method or `*` (F-085). */
  method: string
  /** Calling item name, or `*`/'' for any caller (F-086). */
  origin: string
  /** Case-insensitive substring of the raw request body (F-087). */
  bodyContains?: string
  /** Regular expression tested against the raw request body (F-088). */
  bodyMatches?: string
  status: number
  headers?: Record<string, string>
  /** A string is sent as is; any other JSON value is sent as application/json. Absent = empty body. */
  body?: unknown
  /** Delay before the response, in ms (mockDelayMs / mockResponseDelay). */
  delayMs: number
}

export interface InterceptorConfig {
  /** Address every listener binds to. Default `0.0.0.0`. */
  host?: string
  /** Plain-HTTP reverse-proxy ports. Default `[80]`; every SERVICE port is added to them. */
  httpPorts?: number[]
  /** TLS-terminating reverse-proxy ports. Default `[443]`. */
  tlsPorts?: number[]
  /** Forward proxy for the test runner (absolute-form and CONNECT); origin `test`. 0 = random. */
  ingressPort: number
  /** Control API (health, config, step markers, records, status). 0 = random. */
  controlPort: number
  /** UDP DNS server port; omitted = no DNS server. 0 = random. */
  dnsPort?: number
  /** Addresses DNS answers with for every name (A and AAAA). Required when dnsPort is set. */
  dnsAnswer?: { ipv4: string; ipv6?: string }
  /** The environment's CA; leaf certificates for every SNI are minted from it. */
  ca: { certPem: string; keyPem: string }
  topology: TopologyEntry[]
  upstreams: UpstreamEntry[]
  mocks: MockRule[]
  /** What to do with a call to a host that is neither a service nor mocked. Default `block` (502). */
  externalTraffic?: 'block' | 'passthrough'
  /** Bytes of each body kept in a record; the rest is streamed but not recorded. Default 1 MiB. */
  captureLimitBytes?: number
}

/** PUT /config body: the parts given replace the current ones; new upstream ports start listening. */
export type InterceptorConfigUpdate = Partial<Pick<InterceptorConfig, 'topology' | 'upstreams' | 'mocks' | 'externalTraffic'>>

/** Body as recorded: JSON and form bodies parsed, other text kept, binary as base64. */
export interface RecordedBody {
  /** Parsed JSON, parsed form (object), text, or undefined when empty. */
  body: unknown
  encoding: 'json' | 'form' | 'text' | 'base64' | 'empty'
  /** Bytes on the wire (after content decoding for the record). */
  size: number
  /** True when the body exceeded the capture limit and only its head was kept. */
  truncated: boolean
}

export type TrafficOutcome =
  /** Forwarded to a SERVICE of the environment. */
  | 'proxied'
  /** Answered by a MOCK rule. */
  | 'mocked'
  /** External host, no mock, externalTraffic block: answered 502. */
  | 'unmocked'
  /** External host forwarded to the real internet (externalTraffic passthrough). */
  | 'passthrough'
  /** The upstream failed (connection refused, reset, timeout) or the client went away. */
  | 'error'
  /** The request could not be parsed; answered 400. */
  | 'bad-request'

/** One HTTP exchange seen by the interceptor. */
export interface TrafficRecord {
  /** Position in arrival order, from 1; no gaps. */
  seq: number
  /** The step id current when the request arrived (0 before the first marker). */
  step: number
  /** Calling item name, `test` for the ingress, or `unknown:<address>`. */
  origin: string
  /** Host the call was addressed to, without port. */
  target: string
  port: number
  tls: boolean
  method: string
  /** `http://<target><path>[?query]` — always http, even for TLS (F-244). */
  url: string
  path: string
  request: { headers: Record<string, string> } & RecordedBody
  /** Absent when no response was produced (outcome `error` before headers). */
  response?: { status: number; headers: Record<string, string> } & RecordedBody
  outcome: TrafficOutcome
  /** MOCK rule name when outcome is `mocked`; for `unmocked`, the closest mock's name if any. */
  mock?: string
  error?: string
  /** Set when the interceptor's record memory cap evicted this record's bodies (oldest records first). */
  bodiesDropped?: true
  /** Interceptor clock, epoch ms, when the request head arrived. */
  startedAt: number
  /** ms from request head to the end of the response (or the error). */
  durationMs: number
}

/** GET /status */
export interface InterceptorStatus {
  /** Requests started and not yet recorded, plus accepted connections that have not sent their first request yet (for at most 1 s). */
  inFlight: number
  /** ms since the last request started or finished, connection was accepted or DNS query answered (measured by the interceptor; no clock comparison). */
  idleMs: number
  /** Highest seq assigned so far. */
  lastSeq: number
  /** Current step id. */
  step: number
}

/** GET /health */
export interface InterceptorHealth {
  ok: true
  version: string
  uptimeMs: number
  ports: InterceptorPorts
}

export interface InterceptorPorts {
  ingress: number
  control: number
  dns?: number
  /** Requested port → bound port (differs only when 0 was requested, for tests). */
  http: Record<number, number>
  tls: Record<number, number>
}
