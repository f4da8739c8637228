// The per-environment CA (F-070): generated fresh for every environment with @peculiar/x509 on
// Node's WebCrypto. The private key lives in memory and, when a runtime needs to mount it, in the
// run's own temp directory only.
import { webcrypto } from 'node:crypto'
import { loadX509 } from './_x509.js'

export interface CertificateAuthority {
  certPem: string
  keyPem: string
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

/** Creates a self-signed CA valid for two days, named after the environment. */
export async function createCertificateAuthority(name: string): Promise<CertificateAuthority> {
  const x509 = await loadX509()
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=Dokkimi environment CA ${cn(name)}, O=Dokkimi`,
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + 2 * 24 * 60 * 60 * 1000),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') }
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = bytes[0]! & 0x7f
  return Buffer.from(bytes).toString('hex')
}

function cn(name: string): string {
  return name.replace(/[^\w .-]/g, '').slice(0, 40)
}
