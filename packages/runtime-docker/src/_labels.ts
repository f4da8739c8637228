// Labels on every container and network (ARCHITECTURE.md §6): teardown, `sweep()` and
// `dokkimi clean` find an environment's resources by them.
import { hostname } from 'node:os'
import type { EnvironmentPlan } from '@dokkimi/core'

export const LABEL = {
  run: 'dokkimi.run',
  definition: 'dokkimi.definition',
  createdAt: 'dokkimi.created-at',
  ownerPid: 'dokkimi.owner-pid',
  ownerHost: 'dokkimi.owner-host',
  /** The test session (Vitest/Jest run) the environment belongs to, when there is one. */
  session: 'dokkimi.session',
  /** The item's name (SERVICE, WORKER, DATABASE containers). */
  item: 'dokkimi.item',
  /** `interceptor`, `service`, `worker` or `database`. */
  role: 'dokkimi.role',
} as const

export function runLabels(plan: Pick<EnvironmentPlan, 'runId' | 'definition' | 'session'>): Record<string, string> {
  return {
    ...(plan.session ? { [LABEL.session]: plan.session } : {}),
    [LABEL.run]: plan.runId,
    [LABEL.definition]: plan.definition,
    [LABEL.createdAt]: new Date().toISOString(),
    [LABEL.ownerPid]: String(process.pid),
    [LABEL.ownerHost]: hostname(),
  }
}
