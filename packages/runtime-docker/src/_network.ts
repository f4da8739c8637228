// One user-defined bridge network per environment, on a subnet Dokkimi picks itself: Docker only
// accepts static container addresses (needed to register the topology before a container starts)
// on networks created with an explicit subnet.
import { existsSync, readFileSync } from 'node:fs'
import type Dockerode from 'dockerode'
import { engineReason } from './_images.js'

export interface EnvironmentNetwork {
  name: string
  id: string
  subnet: string
  gateway: string
  /** The n-th host address of the subnet (1 is the gateway). */
  address(n: number): string
  /** Host addresses available to containers (gateway excluded). */
  capacity: number
}

interface Cidr {
  base: number
  bits: number
}

const toInt = (ip: string) => ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0
const toIp = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')

function parseCidr(cidr: string): Cidr | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr)
  if (!m) return undefined
  const bits = Number(m[2])
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return { base: (toInt(m[1]!) & mask) >>> 0, bits }
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits)
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return ((a.base & mask) >>> 0) === ((b.base & mask) >>> 0)
}

/** Routes of this host (Linux), when the engine runs here: a subnet must not shadow one. */
function hostRoutes(docker: Dockerode): Cidr[] {
  const socket = (docker.modem as { socketPath?: string }).socketPath
  if (!socket || !existsSync('/proc/net/route')) return []
  const routes: Cidr[] = []
  for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
    const [, dest, , , , , , mask] = line.trim().split(/\s+/)
    if (!dest || !mask || mask === '00000000') continue
    const le = (hex: string) => Buffer.from(hex, 'hex').readUInt32LE(0)
    const m = le(mask)
    const bits = m.toString(2).replace(/0/g, '').length
    routes.push({ base: (le(dest) & m) >>> 0, bits })
  }
  return routes
}

// /24s from the top of Docker's default 172.17.0.0/12 pool downwards: Docker allocates its own
// networks upwards from 172.17, so both meet late.
const CANDIDATES: number[] = []
for (let second = 31; second >= 18; second--) for (let third = 0; third < 256; third++) CANDIDATES.push(toInt(`172.${second}.${third}.0`))

// Subnets this process is creating right now: a concurrent start in the same process skips them
// (other processes are told apart by the engine's overlap error and a retry).
const claimed = new Set<number>()

/** Creates the environment's network; retries on another subnet when a concurrent run took one. */
export async function createEnvironmentNetwork(docker: Dockerode, name: string, labels: Record<string, string>): Promise<EnvironmentNetwork> {
  const routes = hostRoutes(docker)
  let lastError: unknown
  for (let attempt = 0; attempt < 12; attempt++) {
    const used: Cidr[] = [...routes]
    for (const net of await docker.listNetworks()) {
      for (const config of net.IPAM?.Config ?? []) {
        const cidr = config.Subnet ? parseCidr(config.Subnet) : undefined
        if (cidr) used.push(cidr)
      }
    }
    const free = CANDIDATES.filter((base) => !claimed.has(base) && !used.some((u) => overlaps(u, { base, bits: 24 })))
    // Spread so that runs of other processes starting together rarely pick the same subnet.
    const base = free[Math.floor(Math.random() * Math.min(free.length, 32))]
    if (base === undefined) throw new Error('no free /24 subnet left in 172.18.0.0-172.31.255.0; remove unused Docker networks (docker network prune)')
    const subnet = `${toIp(base)}/24`
    const gateway = toIp(base + 1)
    claimed.add(base)
    try {
      const network = await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels, IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] } })
      return { name, id: network.id, subnet, gateway, address: (n) => toIp(base + n), capacity: 253 }
    } catch (error) {
      lastError = error
      if (!/overlap|in use|conflict/i.test(engineReason(error))) throw error
    } finally {
      claimed.delete(base)
    }
  }
  throw lastError
}
