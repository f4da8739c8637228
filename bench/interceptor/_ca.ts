import { webcrypto } from 'node:crypto'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import type * as X509 from '../../packages/interceptor/node_modules/@peculiar/x509/build/index.js'
import { installReflectMetadata } from '../../packages/interceptor/src/_reflect-metadata.js'

/** A throwaway CA for the interceptor (its TLS listener is not exercised by the bench). */
export async function benchCa(): Promise<{ certPem: string; keyPem: string }> {
  installReflectMetadata()
  // @peculiar/x509 is the interceptor's own dependency, not the root package's.
  const path = createRequire(new URL('../../packages/interceptor/package.json', import.meta.url)).resolve('@peculiar/x509')
  const x509 = (await import(pathToFileURL(path).href)) as typeof X509
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Interceptor bench CA',
    signingAlgorithm: alg,
    keys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  })
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') }
}
