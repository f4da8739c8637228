import { X509Certificate, createPrivateKey } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { defineCommand } from 'citty'
import { createCertificateAuthority, loadDefinitions, planEnvironment, type CertificateAuthority, type Runtime } from '@dokkimi/core'
import { assertKnownFlags, EXIT } from '../_errors.js'
import { resolveFlags } from '../_flags.js'
import { paint, plural, truncate } from '../_report-style.js'
import type { RuntimeSession} from '../_runtime.js';
import { RUNTIME_ARG, runtimeSessionHooks } from '../_runtime.js'
import { findProjectRoot } from '../_runs.js'
import { terminal } from '../_terminal.js'
import { version } from '../_version.js'

const args = {
  runtime: RUNTIME_ARG,
} as const

interface Check {
  status: 'ok' | 'warn' | 'fail'
  text: string
}

const MIN_NODE = [20, 19] as const

export default defineCommand({
  meta: { name: 'doctor', description: 'Check that this machine can run Dokkimi: Node.js, the engine, images, CA trust' },
  args,
  ...runtimeSessionHooks,
  async run({ args: parsed, rawArgs, data }) {
    assertKnownFlags(rawArgs, args)
    const { cwd } = resolveFlags({})
    const p = paint(terminal.color)
    const report = (c: Check) => terminal.out(`${c.status === 'ok' ? p.green('✓') : c.status === 'warn' ? p.yellow('!') : p.red('✗')} ${c.text}`)
    const checks: Check[] = []
    const add = (c: Check) => {
      checks.push(c)
      report(c)
    }

    terminal.out(`dokkimi ${version}`)
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
    const nodeOk = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])
    add({ status: nodeOk ? 'ok' : 'fail', text: `Node.js ${process.versions.node}${nodeOk ? '' : `: Dokkimi needs ${MIN_NODE.join('.')} or newer; install a current Node.js LTS`}` })

    const root = findProjectRoot(cwd)
    const loaded = root ? loadDefinitions(undefined, { cwd, version }) : undefined
    const name = parsed.runtime ?? 'docker'
    let runtime: Runtime | undefined
    try {
      runtime = await (data as RuntimeSession).open(name, { images: loaded?.config.images ?? {} }, cwd)
      add({ status: 'ok', text: `runtime ${runtime.name}` })
    } catch (error) {
      add({ status: 'fail', text: `runtime ${name}: ${(error as Error).message}` })
    }

    const engine = runtime ? await engineCheck(runtime) : undefined
    if (engine) add(engine.check)

    const ca = await caCheck()
    if (engine?.client && loaded && loaded.definitions.length > 0) {
      // The runtime's own map when it has one (it may merge more than config.yaml, e.g. an env override).
      const map = (runtime as { imageMap?: Record<string, string> }).imageMap ?? loaded.config.images
      for (const c of await imageChecks(engine.client, loaded, map, ca.ca)) add(c)
    }
    else if (root === undefined) add({ status: 'ok', text: 'images: no .dokkimi/ here, nothing to check' })
    add(ca.check)

    const fails = checks.filter((c) => c.status === 'fail').length
    const warns = checks.filter((c) => c.status === 'warn').length
    terminal.out('')
    terminal.out(fails + warns === 0 ? 'All checks passed.' : `${plural(fails, 'problem')}, ${plural(warns, 'warning')}.`)
    return fails > 0 ? EXIT.failed : EXIT.ok
  },
})

// The Docker client as the runtime's getInstance() hands it out (dockerode), used duck-typed.
interface EngineClient {
  version?(): Promise<{ Version?: string; ApiVersion?: string }>
  getImage?(name: string): { inspect(): Promise<unknown> }
}

async function engineCheck(runtime: Runtime): Promise<{ check: Check; client?: EngineClient }> {
  const client = runtime.getInstance?.() as EngineClient | undefined
  if (!client || typeof client.version !== 'function') return { check: { status: 'ok', text: `engine: the ${runtime.name} runtime has no engine to reach` } }
  try {
    const v = await client.version()
    return { check: { status: 'ok', text: `engine reachable: version ${v.Version ?? '?'}${v.ApiVersion ? `, API ${v.ApiVersion}` : ''}` }, client }
  } catch (error) {
    return { check: { status: 'fail', text: `engine not reachable: ${truncate((error as Error).message, 200)}. Is the Docker daemon running, and DOCKER_HOST right?` } }
  }
}

async function imageChecks(client: EngineClient, loaded: ReturnType<typeof loadDefinitions>, map: Record<string, string>, ca: CertificateAuthority | undefined): Promise<Check[]> {
  if (typeof client.getImage !== 'function' || !ca) return []
  const images = new Set<string>()
  for (const definition of loaded.definitions) {
    try {
      for (const stage of planEnvironment(definition, { runId: 'doctor', ca }).stages) for (const item of stage) if (item.image) images.add(mapImage(map, item.image))
    } catch {
      // A definition the engine cannot plan (a BROKER item) fails at run time with its own message.
    }
  }
  const missing: string[] = []
  for (const image of images) {
    try {
      await client.getImage(image).inspect()
    } catch {
      missing.push(image)
    }
  }
  const present = images.size - missing.length
  return [
    ...missing.map((image): Check => ({ status: 'warn', text: `image ${image} is not present: the first run pulls it (or map it in .dokkimi/config.yaml images:)` })),
    { status: 'ok', text: `images: ${present} of ${images.size} present for ${plural(loaded.definitions.length, 'definition')}` },
  ]
}

/** An image reference through the image map: the exact reference first, then its repository without tag. */
export function mapImage(map: Record<string, string>, ref: string): string {
  if (map[ref]) return map[ref]
  const slash = ref.lastIndexOf('/')
  const colon = ref.lastIndexOf(':')
  if (ref.includes('@') || colon <= slash) return map[ref] ?? ref
  const value = map[ref.slice(0, colon)]
  if (!value) return ref
  return value.lastIndexOf(':') > value.lastIndexOf('/') ? value : `${value}${ref.slice(colon)}`
}

/** Generates an environment CA exactly as runs do and checks that Node accepts it as a trust anchor. */
async function caCheck(): Promise<{ check: Check; ca?: CertificateAuthority }> {
  try {
    const ca = await createCertificateAuthority('doctor')
    const cert = new X509Certificate(ca.certPem)
    const problems = [
      cert.ca ? '' : 'not marked as a CA',
      cert.verify(cert.publicKey) ? '' : 'self-signature does not verify',
      cert.checkPrivateKey(createPrivateKey(ca.keyPem)) ? '' : 'private key does not match',
      Date.parse(cert.validFrom) <= Date.now() && Date.now() < Date.parse(cert.validTo) ? '' : `not valid now (${cert.validFrom} – ${cert.validTo})`,
    ].filter(Boolean)
    createSecureContext({ ca: ca.certPem })
    if (problems.length > 0) return { check: { status: 'fail', text: `CA trust: ${problems.join(', ')}` }, ca }
    return { check: { status: 'ok', text: `CA trust: Node accepts a fresh environment CA (${cert.publicKey.asymmetricKeyType === 'ec' ? 'ECDSA' : (cert.publicKey.asymmetricKeyType ?? 'unknown key')}, valid until ${new Date(cert.validTo).toISOString().slice(0, 10)})` }, ca }
  } catch (error) {
    return { check: { status: 'fail', text: `CA trust: generating or loading an environment CA failed: ${truncate((error as Error).message, 200)}` } }
  }
}
