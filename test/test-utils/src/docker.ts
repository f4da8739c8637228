import { spawnSync } from 'node:child_process'

/** True when a Docker engine answers `docker info`. */
export function hasDocker(): boolean {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 15_000 })
  return r.status === 0 && r.stdout.trim() !== ''
}

/**
 * Whether Docker-backed tests must run: always where an engine answers, and in CI
 * (DOKKIMI_REQUIRE_DOCKER=1) even when none does, so a missing engine fails instead of skipping.
 */
export function dockerTestsEnabled(): boolean {
  return process.env.DOKKIMI_REQUIRE_DOCKER === '1' || hasDocker()
}
