// @peculiar/x509 depends on tsyringe, which refuses to load without a Reflect metadata API. The
// three functions it calls are provided here (only when missing), so no polyfill package is needed.

type Target = object
const store = new WeakMap<Target, Map<string | symbol | undefined, Map<unknown, unknown>>>()

function own(target: Target, property: string | symbol | undefined, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target)
  if (!byProperty) {
    if (!create) return undefined
    byProperty = new Map()
    store.set(target, byProperty)
  }
  let meta = byProperty.get(property)
  if (!meta && create) byProperty.set(property, (meta = new Map()))
  return meta
}

export function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Record<string, unknown>
  if (typeof reflect.getMetadata === 'function') return
  const getOwnMetadata = (key: unknown, target: Target, property?: string | symbol) => own(target, property, false)?.get(key)
  Object.assign(reflect, {
    defineMetadata: (key: unknown, value: unknown, target: Target, property?: string | symbol) => {
      own(target, property, true)!.set(key, value)
    },
    getOwnMetadata,
    getMetadata: (key: unknown, target: Target, property?: string | symbol) => {
      for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
        const meta = own(t, property, false)
        if (meta?.has(key)) return meta.get(key)
      }
      return undefined
    },
    hasMetadata: (key: unknown, target: Target, property?: string | symbol) => own(target, property, false)?.has(key) ?? false,
    metadata: (key: unknown, value: unknown) => (target: Target, property?: string | symbol) => {
      own(target, property, true)!.set(key, value)
    },
  })
}
