import { X509Certificate, createPrivateKey } from 'node:crypto'
import tls from 'node:tls'
import { describe, expect, it } from 'vitest'
import { createCertificateAuthority } from './certificate-authority.js'

describe('createCertificateAuthority (F-070)', () => {
  it('makes a self-signed CA whose key matches and which Node accepts as a trust root', async () => {
    const ca = await createCertificateAuthority('checkout')
    const cert = new X509Certificate(ca.certPem)
    expect(cert.ca).toBe(true)
    expect(cert.subject).toContain('Dokkimi environment CA checkout')
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true)
    expect(cert.verify(cert.publicKey)).toBe(true)
    expect(() => tls.createSecureContext({ ca: ca.certPem })).not.toThrow()
  })

  it('leaves no Reflect metadata API behind in the caller\'s process', async () => {
    await createCertificateAuthority('x')
    expect((Reflect as unknown as Record<string, unknown>).getMetadata).toBeUndefined()
  })

  it('gives every environment its own CA', async () => {
    const [a, b] = await Promise.all([createCertificateAuthority('a'), createCertificateAuthority('b')])
    expect(a.certPem).not.toBe(b.certPem)
  })
})
