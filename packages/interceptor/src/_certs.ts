// Leaf certificates minted per TLS server name from the environment CA (F-096). One EC P-256 key
// serves every leaf; each name is minted once, concurrent requests share the pending mint.
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto'
import { isIP } from 'node:net'
import { createSecureContext, type SecureContext } from 'node:tls'
import type * as X509Module from '@peculiar/x509'
import { installReflectMetadata } from './_reflect-metadata.js'

const LEAF_VALIDITY_MS = 30 * 24 * 60 * 60 * 1000
const MAX_CACHED = 10_000

export interface LeafCertificates {
  /** Secure context for `name`, minted on first use. */
  contextFor(name: string): Promise<SecureContext>
  /** Key and certificate (PEM) for clients that send no SNI. */
  readonly defaultCredentials: { key: string; cert: string }
}

type X509 = typeof X509Module

let x509Module: Promise<X509> | undefined

function loadX509(): Promise<X509> {
  installReflectMetadata()
  x509Module ??= import('@peculiar/x509').then((m) => {
    m.cryptoProvider.set(webcrypto as unknown as Parameters<typeof m.cryptoProvider.set>[0])
    return m
  })
  return x509Module
}

function signingAlgorithmFor(keyPem: string): { importAlg: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams; signAlg: webcrypto.Algorithm | webcrypto.EcdsaParams; der: Buffer } {
  const key = createPrivateKey(keyPem)
  const der = key.export({ type: 'pkcs8', format: 'der' })
  if (key.asymmetricKeyType === 'rsa') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    return { importAlg: alg, signAlg: alg, der }
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined
    if (!namedCurve) throw new Error(`CA key curve "${curve}" is not supported; use P-256, P-384 or P-521`)
    const hash = namedCurve === 'P-256' ? 'SHA-256' : namedCurve === 'P-384' ? 'SHA-384' : 'SHA-512'
    return { importAlg: { name: 'ECDSA', namedCurve }, signAlg: { name: 'ECDSA', hash } as webcrypto.EcdsaParams, der }
  }
  throw new Error(`CA key type "${key.asymmetricKeyType}" is not supported; use an RSA or EC key`)
}

/** Loads the CA and prepares the leaf key; throws when the CA cannot be used. */
export async function createLeafCertificates(ca: { certPem: string; keyPem: string }, defaultName: string): Promise<LeafCertificates> {
  const x509 = await loadX509()
  const caCert = new x509.X509Certificate(ca.certPem)
  const { importAlg, signAlg, der } = signingAlgorithmFor(ca.keyPem)
  const caKey = await webcrypto.subtle.importKey('pkcs8', der, importAlg, false, ['sign'])
  const leafKeys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const leafKeyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey), 'PRIVATE KEY')
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(caCert, false)
  const subjectKeyId = await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey)

  const mint = async (name: string): Promise<{ key: string; cert: string; context: SecureContext }> => {
    const now = Date.now()
    const serial = randomBytes(16)
    serial[0] = serial[0]! & 0x7f
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial.toString('hex'),
      subject: [{ CN: [name.length <= 64 ? name : 'dokkimi-leaf'] }],
      issuer: caCert.subjectName,
      notBefore: new Date(now - 60 * 60 * 1000),
      notAfter: new Date(Math.min(now + LEAF_VALIDITY_MS, caCert.notAfter.getTime())),
      signingAlgorithm: signAlg,
      publicKey: leafKeys.publicKey,
      signingKey: caKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: isIP(name) ? 'ip' : 'dns', value: name }]),
        authorityKeyId,
        subjectKeyId,
      ],
    })
    const pem = cert.toString('pem')
    return { key: leafKeyPem, cert: pem, context: createSecureContext({ key: leafKeyPem, cert: pem }) }
  }

  const cache = new Map<string, Promise<{ key: string; cert: string; context: SecureContext }>>()
  const credentials = (rawName: string) => {
    const name = normaliseName(rawName) ?? defaultName
    let pending = cache.get(name)
    if (!pending) {
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!)
      pending = mint(name)
      cache.set(name, pending)
      pending.catch(() => cache.delete(name))
    }
    return pending
  }
  const { key, cert } = await credentials(defaultName)
  return { contextFor: (name) => credentials(name).then((c) => c.context), defaultCredentials: { key, cert } }
}

/** Lower-cased host name or IP usable in a SAN, or undefined for anything else. */
function normaliseName(name: string): string | undefined {
  const n = name.trim().toLowerCase().replace(/\.$/, '')
  if (n === '' || n.length > 253) return undefined
  if (isIP(n)) return n
  return /^[a-z0-9_*]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(n) ? n : undefined
}
