// The traffic ledger: seq numbers at arrival, records on completion, the NDJSON feed and the
// quiescence counters. Each record is serialised at most once (lazily, when first read or
// streamed) and then kept as its JSON line.
import type { TrafficRecord } from './types.js'

/**
 * How long an accepted connection that has not sent a request yet (TLS handshake, certificate
 * minting, headers on the way) counts as in flight. Bounded so an idle preconnect cannot hold
 * quiescence for long.
 */
const PENDING_CONNECTION_MS = 1000

/** Total bytes of kept records above which the oldest records lose their bodies. */
const DEFAULT_RECORD_MEMORY_BYTES = 256 * 1024 * 1024

interface Stored {
  seq: number
  line: string | undefined
  build: (() => TrafficRecord) | undefined
  bytes: number
  stripped: boolean
}

export type RecordListener = (line: string) => void

export class Recorder {
  lastSeq = 0
  step = 0
  inFlight = 0
  #lastActivity = performance.now()
  #pending = new Map<object, number>()
  #bySeq: Array<Stored | undefined> = []
  #completion: Stored[] = []
  #evictCursor = 0
  #bytes = 0
  #listeners = new Set<RecordListener>()
  #memoryLimit: number

  constructor(memoryLimit = DEFAULT_RECORD_MEMORY_BYTES) {
    this.#memoryLimit = memoryLimit
  }

  /** A request arrived: its seq and the current step. */
  begin(): number {
    this.inFlight++
    this.#lastActivity = performance.now()
    return ++this.lastSeq
  }

  /** The exchange `seq` is over; `build` produces its record when first needed. `bytes` estimates the captured bodies. */
  complete(seq: number, build: () => TrafficRecord, bytes: number): void {
    this.inFlight--
    this.#lastActivity = performance.now()
    const stored: Stored = { seq, line: undefined, build, bytes: bytes + 512, stripped: false }
    this.#bySeq[seq - 1] = stored
    this.#completion.push(stored)
    this.#bytes += stored.bytes
    if (this.#listeners.size > 0) {
      const line = this.#line(stored)
      for (const listener of this.#listeners) listener(line)
    }
    if (this.#bytes > this.#memoryLimit) this.#evict()
  }

  /** A connection was accepted; it counts as in flight until its first request, its close, or PENDING_CONNECTION_MS. */
  opened(socket: object): void {
    const now = performance.now()
    this.#pending.set(socket, now)
    this.#lastActivity = now
  }

  /** The connection sent its first request, finished its TLS handshake into a new socket, or closed. */
  settled(socket: object): void {
    this.#pending.delete(socket)
  }

  /** Activity that precedes a request (a DNS query): restarts the quiet period. */
  touch(): void {
    this.#lastActivity = performance.now()
  }

  /** Requests in flight plus connections still on their way to their first request. */
  get active(): number {
    if (this.#pending.size === 0) return this.inFlight
    const cutoff = performance.now() - PENDING_CONNECTION_MS
    let pending = 0
    for (const [socket, at] of this.#pending) {
      if (at >= cutoff) pending++
      else this.#pending.delete(socket)
    }
    return this.inFlight + pending
  }

  get idleMs(): number {
    return Math.max(0, Math.round(performance.now() - this.#lastActivity))
  }

  /** JSON lines of completed records with seq > after, by seq. */
  linesAfter(after: number): string[] {
    const out: string[] = []
    for (let i = Math.max(0, after); i < this.lastSeq; i++) {
      const stored = this.#bySeq[i]
      if (stored) out.push(this.#line(stored))
    }
    return out
  }

  /** Calls `listener` with each record as it completes; returns the unsubscribe function. */
  listen(listener: RecordListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #line(stored: Stored): string {
    if (stored.line === undefined) {
      const record = stored.build!()
      stored.build = undefined
      stored.line = JSON.stringify(record)
      this.#bytes += stored.line.length - stored.bytes
      stored.bytes = stored.line.length
    }
    return stored.line
  }

  #evict(): void {
    const target = this.#memoryLimit * 0.9
    while (this.#bytes > target && this.#evictCursor < this.#completion.length) {
      const stored = this.#completion[this.#evictCursor++]!
      if (stored.stripped) continue
      const record = stored.build ? stored.build() : (JSON.parse(stored.line!) as TrafficRecord)
      stripBodies(record)
      stored.build = undefined
      stored.line = JSON.stringify(record)
      stored.stripped = true
      this.#bytes += stored.line.length - stored.bytes
      stored.bytes = stored.line.length
    }
    // The completion list only serves eviction; drop what the cursor has passed.
    if (this.#evictCursor > 4096) {
      this.#completion = this.#completion.slice(this.#evictCursor)
      this.#evictCursor = 0
    }
  }
}

function stripBodies(record: TrafficRecord): void {
  record.bodiesDropped = true
  record.request.body = undefined
  if (record.request.size > 0) record.request.truncated = true
  if (record.response) {
    record.response.body = undefined
    if (record.response.size > 0) record.response.truncated = true
  }
}
