// Removes what crashed runs left behind: resources labelled `dokkimi.run` whose owner is a
// process on this host that no longer exists (ARCHITECTURE.md §6).
import { readdir, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { LABEL } from './_labels.js'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

function orphanRun(labels: Record<string, string> | undefined, host: string, session: string | undefined): string | undefined {
  const run = labels?.[LABEL.run]
  if (session) return run && labels?.[LABEL.session] === session ? run : undefined
  const pid = Number(labels?.[LABEL.ownerPid])
  if (!run || labels?.[LABEL.ownerHost] !== host || !Number.isInteger(pid) || pid <= 0) return undefined
  return alive(pid) ? undefined : run
}

const ignoreMissing = (error: unknown) => {
  if ((error as { statusCode?: number }).statusCode !== 404) throw error
}

/**
 * Removes orphaned containers, networks and volumes (and their temp dirs); returns their run ids.
 * With a session, removes every environment of that session instead, whoever owns it.
 */
export async function sweepOrphans(docker: Dockerode, session?: string): Promise<string[]> {
  const host = hostname()
  const filters = { label: session ? [LABEL.run, `${LABEL.session}=${session}`] : [LABEL.run] }
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ])
  const runs = new Set<string>()
  const orphanContainers = containers.filter((c) => {
    const run = orphanRun(c.Labels, host, session)
    if (run) runs.add(run)
    return run !== undefined
  })
  const orphanNetworks = networks.filter((n) => {
    const run = orphanRun(n.Labels, host, session)
    if (run) runs.add(run)
    return run !== undefined
  })
  const orphanVolumes = (volumes.Volumes ?? []).filter((v) => {
    const run = orphanRun(v.Labels ?? undefined, host, session)
    if (run) runs.add(run)
    return run !== undefined
  })
  if (runs.size === 0) return []
  await Promise.all(orphanContainers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreMissing)))
  await Promise.all(orphanNetworks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreMissing)))
  await Promise.all(orphanVolumes.map((v) => docker.getVolume(v.Name).remove().catch(ignoreMissing)))
  const dirs = await readdir(tmpdir()).catch(() => [] as string[])
  await Promise.all(
    dirs.filter((d) => [...runs].some((run) => d.startsWith(`dokkimi-${run}-`))).map((d) => rm(join(tmpdir(), d), { recursive: true, force: true })),
  )
  return [...runs].sort()
}
