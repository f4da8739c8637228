// A minimal authoritative DNS responder (RFC 1035 subset): every A query gets the interceptor's
// IPv4 address, AAAA its IPv6 address (or no answer), anything else an empty NOERROR. Malformed
// packets never throw: they are dropped, or answered FORMERR when the header is readable.
import dgram from 'node:dgram'
import { isIPv4, isIPv6 } from 'node:net'
import type { Logger } from './_logger.js'

export interface DnsAnswer {
  ipv4: string
  ipv6?: string
}

const TTL_SECONDS = 5
const TYPE_A = 1
const TYPE_AAAA = 28
const TYPE_ANY = 255
const CLASS_IN = 1
const CLASS_ANY = 255
const RCODE_FORMERR = 1
const RCODE_NOTIMP = 4

export interface DnsResponder {
  (query: Buffer): Buffer | undefined
}

/** Builds the responder; throws on an invalid answer address (a configuration error). */
export function createDnsResponder(answer: DnsAnswer): DnsResponder {
  if (!isIPv4(answer.ipv4)) throw new Error(`dnsAnswer.ipv4 "${answer.ipv4}" is not an IPv4 address`)
  if (answer.ipv6 !== undefined && !isIPv6(answer.ipv6)) throw new Error(`dnsAnswer.ipv6 "${answer.ipv6}" is not an IPv6 address`)
  const a = Buffer.from(answer.ipv4.split('.').map(Number))
  const aaaa = answer.ipv6 === undefined ? undefined : ipv6Bytes(answer.ipv6)
  return (query) => respond(query, a, aaaa)
}

function respond(msg: Buffer, a: Buffer, aaaa: Buffer | undefined): Buffer | undefined {
  if (msg.length < 12) return undefined
  const flags = msg.readUInt16BE(2)
  if (flags & 0x8000) return undefined // a response, not a query: never answer it
  const opcode = (flags >> 11) & 0xf
  const rd = (flags >> 8) & 1
  const header = (rcode: number, qd: number, an: number) => {
    const h = Buffer.alloc(12)
    msg.copy(h, 0, 0, 2)
    h.writeUInt16BE(0x8000 | (opcode << 11) | 0x0400 | (rd << 8) | 0x0080 | rcode, 2)
    h.writeUInt16BE(qd, 4)
    h.writeUInt16BE(an, 6)
    return h
  }
  if (opcode !== 0) return header(RCODE_NOTIMP, 0, 0)
  if (msg.readUInt16BE(4) !== 1) return header(RCODE_FORMERR, 0, 0)

  const end = skipName(msg, 12)
  if (end < 0 || end + 4 > msg.length) return header(RCODE_FORMERR, 0, 0)
  const qtype = msg.readUInt16BE(end)
  const qclass = msg.readUInt16BE(end + 2)
  const question = msg.subarray(12, end + 4)

  const answers: Buffer[] = []
  if (qclass === CLASS_IN || qclass === CLASS_ANY) {
    if (qtype === TYPE_A || qtype === TYPE_ANY) answers.push(record(TYPE_A, a))
    if ((qtype === TYPE_AAAA || qtype === TYPE_ANY) && aaaa) answers.push(record(TYPE_AAAA, aaaa))
  }
  return Buffer.concat([header(0, 1, answers.length), question, ...answers])
}

/** Offset just past the name at `offset`, or -1 when it is malformed. */
function skipName(msg: Buffer, offset: number): number {
  let off = offset
  for (let labels = 0; labels < 128; labels++) {
    const len = msg[off]
    if (len === undefined) return -1
    if (len === 0) return off + 1
    if ((len & 0xc0) === 0xc0) return off + 2 <= msg.length ? off + 2 : -1
    if (len & 0xc0) return -1
    off += 1 + len
    if (off - offset > 255) return -1
  }
  return -1
}

function record(type: number, data: Buffer): Buffer {
  const rr = Buffer.alloc(12 + data.length)
  rr.writeUInt16BE(0xc00c, 0) // pointer to the question's name
  rr.writeUInt16BE(type, 2)
  rr.writeUInt16BE(CLASS_IN, 4)
  rr.writeUInt32BE(TTL_SECONDS, 6)
  rr.writeUInt16BE(data.length, 10)
  data.copy(rr, 12)
  return rr
}

function ipv6Bytes(ip: string): Buffer {
  let text = ip
  const groups: number[] = []
  const tail: number[] = []
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const [b0, b1, b2, b3] = v4[1]!.split('.').map(Number) as [number, number, number, number]
    tail.push((b0 << 8) | b1, (b2 << 8) | b3)
    text = text.slice(0, -v4[1]!.length)
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1)
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)))
  const [head = '', rest] = text.split('::')
  const left = parse(head)
  const right = [...parse(rest ?? ''), ...tail]
  groups.push(...left)
  if (rest !== undefined) for (let i = left.length + right.length; i < 8; i++) groups.push(0)
  groups.push(...(rest === undefined ? tail : right))
  const out = Buffer.alloc(16)
  groups.slice(0, 8).forEach((g, i) => out.writeUInt16BE(g & 0xffff, i * 2))
  return out
}

/** Starts the UDP server; resolves with the bound port. */
export function startDnsServer(host: string, port: number, answer: DnsAnswer, logger: Logger, onQuery: () => void = () => {}): Promise<{ socket: dgram.Socket; port: number }> {
  const respondTo = createDnsResponder(answer)
  const socket = dgram.createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' })
  socket.on('message', (msg, rinfo) => {
    onQuery()
    let out: Buffer | undefined
    try {
      out = respondTo(msg)
    } catch (error) {
      logger.debug('dns: dropped a packet', { error: String(error) })
      return
    }
    if (out) socket.send(out, rinfo.port, rinfo.address, (error) => error && logger.debug('dns: send failed', { error: error.message }))
  })
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(port, host, () => {
      socket.off('error', reject)
      socket.on('error', (error) => logger.warn('dns: socket error', { error: error.message }))
      resolve({ socket, port: socket.address().port })
    })
  })
}
