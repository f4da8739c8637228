// Captures the head of a body for the record while it streams past. Content-encoded bodies are
// decoded for the record only (the forwarded bytes are untouched); `size` counts decoded bytes.
import { isUtf8 } from 'node:buffer'
import zlib from 'node:zlib'
import type { RecordedBody } from './types.js'

export class BodyCapture {
  size = 0
  truncated = false
  #chunks: Buffer[] = []
  #kept = 0
  #limit: number
  #decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined
  #raw: BodyCapture | undefined
  #decodeFailed = false
  #closed = false

  constructor(limit: number, contentEncoding?: string) {
    this.#limit = limit
    const encoding = contentEncoding?.trim().toLowerCase()
    if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate' || encoding === 'br') {
      const decoder =
        encoding === 'br'
          ? zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH })
          : encoding === 'deflate'
            ? zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH })
            : zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH })
      // Some servers send raw deflate under `deflate`; the raw bytes are kept as a fallback.
      this.#raw = new BodyCapture(limit)
      decoder.on('data', (chunk: Buffer) => this.#take(chunk))
      decoder.on('error', () => {
        this.#decodeFailed = true
      })
      this.#decoder = decoder
    }
  }

  write(chunk: Buffer): void {
    if (this.#closed) return
    if (this.#decoder) {
      this.#raw!.write(chunk)
      if (!this.#decodeFailed) this.#decoder.write(chunk)
    } else {
      this.#take(chunk)
    }
  }

  /** Stops capturing; `done` runs once every byte written so far is decoded. */
  close(done: () => void): void {
    if (this.#closed) return done()
    this.#closed = true
    const decoder = this.#decoder
    if (!decoder || this.#decodeFailed) return done()
    let called = false
    const finish = () => {
      if (called) return
      called = true
      done()
    }
    decoder.once('end', finish)
    decoder.once('error', finish)
    decoder.once('close', finish)
    decoder.end()
  }

  /** Releases buffers without waiting (abandoned exchange). */
  destroy(): void {
    this.#closed = true
    this.#decoder?.destroy()
  }

  /** The recorded body; call once, after `close`. */
  result(contentType: string | undefined): RecordedBody {
    if (this.#decoder && this.#decodeFailed) return this.#raw!.result(contentType)
    const buf = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#kept)
    this.#chunks = []
    return recordBody(buf, this.size, this.truncated, contentType)
  }

  /** Bytes currently held. */
  get kept(): number {
    return this.#kept + (this.#raw?.kept ?? 0)
  }

  #take(chunk: Buffer): void {
    this.size += chunk.length
    const room = this.#limit - this.#kept
    if (room <= 0) {
      if (chunk.length > 0) this.truncated = true
      return
    }
    if (chunk.length <= room) {
      this.#chunks.push(chunk)
      this.#kept += chunk.length
    } else {
      this.#chunks.push(chunk.subarray(0, room))
      this.#kept += room
      this.truncated = true
    }
  }
}

const TEXT_TYPE = /^text\/|json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|csv|html/
const BINARY_TYPE = /^(image|audio|video|font)\/|octet-stream|pdf|zip|gzip|protobuf|grpc|msgpack|wasm/

/** Parses a captured body for the record (JSON, form, text or base64). */
export function recordBody(buf: Buffer, size: number, truncated: boolean, contentType: string | undefined): RecordedBody {
  if (size === 0 || buf.length === 0) return { body: undefined, encoding: 'empty', size, truncated }
  const type = (contentType ?? '').toLowerCase()
  const isForm = type.startsWith('application/x-www-form-urlencoded')
  if (!truncated) {
    if (isForm) return { body: parseForm(buf.toString('utf8')), encoding: 'form', size, truncated }
    if (/[/+]json\b/.test(type) || (!BINARY_TYPE.test(type) && looksLikeJson(buf))) {
      try {
        return { body: JSON.parse(buf.toString('utf8')) as unknown, encoding: 'json', size, truncated }
      } catch {
        // not JSON after all: kept as text below
      }
    }
  }
  if (TEXT_TYPE.test(type) || (!BINARY_TYPE.test(type) && isText(buf, truncated))) {
    return { body: buf.toString('utf8'), encoding: 'text', size, truncated }
  }
  return { body: buf.toString('base64'), encoding: 'base64', size, truncated }
}

function looksLikeJson(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue
    return c === 0x7b || c === 0x5b // { or [
  }
  return false
}

function isText(buf: Buffer, truncated: boolean): boolean {
  const sample = buf.subarray(0, 4096)
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i]!
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return false
  }
  if (isUtf8(buf)) return true
  // A capture cut in the middle of a multi-byte character is still text.
  if (truncated) for (let cut = 1; cut <= 3 && cut < buf.length; cut++) if (isUtf8(buf.subarray(0, buf.length - cut))) return true
  return false
}

function parseForm(text: string): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>
  for (const [key, value] of new URLSearchParams(text)) {
    const prev = out[key]
    if (prev === undefined) out[key] = value
    else if (Array.isArray(prev)) prev.push(value)
    else out[key] = [prev, value]
  }
  return out
}
