import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { dockerTestsEnabled } from './docker.js'

// The engine the Docker runtime (issue #4) needs. Skipped locally without Docker; in CI
// (DOKKIMI_REQUIRE_DOCKER=1) it runs and fails when no engine answers.
describe.runIf(dockerTestsEnabled())('docker engine', () => {
  it('answers and can create and remove a labelled network', () => {
    const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' })
    expect(info.status, `docker info failed: ${info.stderr}`).toBe(0)
    const name = `dokkimi-ci-probe-${process.pid}`
    const create = spawnSync('docker', ['network', 'create', '--label', 'dokkimi.probe=1', name], { encoding: 'utf8' })
    expect(create.status, create.stderr).toBe(0)
    const rm = spawnSync('docker', ['network', 'rm', name], { encoding: 'utf8' })
    expect(rm.status, rm.stderr).toBe(0)
  })
})
