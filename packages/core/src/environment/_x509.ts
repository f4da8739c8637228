// Loads @peculiar/x509 without leaving a global behind. Its dependency tsyringe refuses to load
// unless `Reflect.getMetadata` exists, and reads decorator metadata only while its classes are
// being defined. So when no Reflect metadata API is present (the usual case), a minimal one is
// installed for the duration of the import and removed afterwards: the user's process (a vitest
// worker, a NestJS app under test) never sees it, and a real `reflect-metadata` is left untouched.
import type * as x509 from '@peculiar/x509'

type X509 = typeof x509

let loading: Promise<X509> | undefined

export function loadX509(): Promise<X509> {
  loading ??= (async () => {
    const reflect = Reflect as unknown as Record<string, unknown>
    if (typeof reflect.getMetadata === 'function') return import('@peculiar/x509')
    const store = new WeakMap<object, Map<unknown, unknown>>()
    const shim = {
      metadata: (key: unknown, value: unknown) => (target: object) => void (store.get(target) ?? store.set(target, new Map()).get(target)!).set(key, value),
      getMetadata: (key: unknown, target: object) => store.get(target)?.get(key),
      getOwnMetadata: (key: unknown, target: object) => store.get(target)?.get(key),
    }
    Object.assign(reflect, shim)
    try {
      return await import('@peculiar/x509')
    } finally {
      for (const key of Object.keys(shim)) delete reflect[key]
    }
  })()
  return loading
}
