import dgram from 'node:dgram'
import { describe, expect, test } from 'vitest'
import { createDnsResponder } from '../src/_dns.js'
import { start } from './_helpers.js'

function query(name: string, type: number, id = 0x1234): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]))
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])
  return Buffer.concat([header, ...labels, Buffer.from([0, type >> 8, type & 0xff, 0, 1])])
}

interface Parsed {
  id: number
  rcode: number
  flags: number
  answers: Array<{ type: number; ttl: number; data: Buffer }>
}

function parse(msg: Buffer): Parsed {
  let off = 12
  for (let q = msg.readUInt16BE(4); q > 0; q--) {
    while (msg[off]! !== 0) off += msg[off]! + 1
    off += 5
  }
  const answers: Parsed['answers'] = []
  for (let a = msg.readUInt16BE(6); a > 0; a--) {
    off += 2 // name pointer
    const type = msg.readUInt16BE(off)
    const ttl = msg.readUInt32BE(off + 4)
    const len = msg.readUInt16BE(off + 8)
    answers.push({ type, ttl, data: msg.subarray(off + 10, off + 10 + len) })
    off += 10 + len
  }
  return { id: msg.readUInt16BE(0), flags: msg.readUInt16BE(2), rcode: msg.readUInt16BE(2) & 0xf, answers }
}

function ask(port: number, packet: Buffer, timeoutMs = 500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4')
    const timer = setTimeout(() => {
      socket.close()
      resolve(undefined)
    }, timeoutMs)
    socket.on('message', (msg) => {
      clearTimeout(timer)
      socket.close()
      resolve(msg)
    })
    socket.send(packet, port, '127.0.0.1')
  })
}

describe('DNS', () => {
  test('answers A with ipv4, AAAA with ipv6 (or nothing), other types with empty NOERROR', async () => {
    const i = await start({ dnsPort: 0, dnsAnswer: { ipv4: '10.1.2.3', ipv6: 'fd00::1:5' } })
    const a = parse((await ask(i.ports.dns!, query('api.stripe.com', 1, 7)))!)
    expect(a).toMatchObject({ id: 7, rcode: 0 })
    expect(a.flags & 0x8000).toBeTruthy()
    expect(a.answers).toHaveLength(1)
    expect([...a.answers[0]!.data]).toEqual([10, 1, 2, 3])
    expect(a.answers[0]!.ttl).toBe(5)

    const aaaa = parse((await ask(i.ports.dns!, query('payment-service', 28)))!)
    expect(aaaa.answers[0]!.data.toString('hex')).toBe('fd000000000000000000000000010005')
    const mx = parse((await ask(i.ports.dns!, query('example.com', 15)))!)
    expect(mx).toMatchObject({ rcode: 0, answers: [] })

    const j = await start({ dnsPort: 0, dnsAnswer: { ipv4: '10.1.2.3' } })
    expect(parse((await ask(j.ports.dns!, query('x.example', 28)))!)).toMatchObject({ rcode: 0, answers: [] })
  })

  test('survives garbage: drops or answers FORMERR, keeps serving', async () => {
    const i = await start({ dnsPort: 0, dnsAnswer: { ipv4: '10.0.0.1' } })
    expect(await ask(i.ports.dns!, Buffer.from([1, 2, 3]), 200)).toBeUndefined()
    const truncated = query('api.stripe.com', 1).subarray(0, 20)
    expect(parse((await ask(i.ports.dns!, truncated))!).rcode).toBe(1)
    const badLabel = Buffer.concat([query('a', 1).subarray(0, 12), Buffer.from([0x80, 1, 2, 3, 4, 5])])
    expect(parse((await ask(i.ports.dns!, badLabel))!).rcode).toBe(1)
    for (let n = 0; n < 200; n++) {
      const junk = Buffer.alloc(1 + (n % 600))
      for (let k = 0; k < junk.length; k++) junk[k] = (n * 31 + k * 17) & 0xff
      await ask(i.ports.dns!, junk, 5)
    }
    expect(parse((await ask(i.ports.dns!, query('still.alive', 1)))!).answers).toHaveLength(1)
  })

  test('the responder never throws on random input', () => {
    const respond = createDnsResponder({ ipv4: '1.2.3.4', ipv6: '::1' })
    let seed = 42
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256)
    for (let n = 0; n < 20_000; n++) {
      const base = n % 2 === 0 ? query('a.b.c', [1, 28, 255, 16][n % 4]!) : Buffer.alloc(n % 80)
      const packet = Buffer.from(base)
      for (let k = 0; k < 3; k++) if (packet.length > 0) packet[rand() % packet.length] = rand()
      expect(() => respond(packet)).not.toThrow()
    }
    expect(() => createDnsResponder({ ipv4: 'nope' })).toThrowErrorMatchingInlineSnapshot(`[Error: dnsAnswer.ipv4 "nope" is not an IPv4 address]`)
  })
})
