// The structured result of a run (F-233): per definition, test, step and assertion. Reporters
// (CLI, JUnit, JSON dump, test-framework adapters) all read this one model.
import type { AssertionResult, BlockResult, ConsoleLogEntry, TrafficEntry } from '../assert/types.js'

export type Status = 'passed' | 'failed' | 'skipped'

export interface ErrorInfo {
  code: string
  message: string
}

export interface StepResult {
  /** Index of the step in its test (0-based). */
  index: number
  /** Interceptor step id of the step's window (the first one, for step-level loops). */
  id: number
  /** The step name after interpolation (F-127), or `<action> <target>` when unnamed. */
  name: string
  status: Status
  /** Assertions failed but the step had `stopOnFailure: false` (F-126): reported, not fatal. */
  warned?: boolean
  action?: string
  startedAt: number
  durationMs: number
  request?: unknown
  response?: unknown
  responseTime?: number | null
  /** Why the step failed without assertion results (action error, undefined variable), or why it was skipped. */
  error?: ErrorInfo
  extracts: AssertionResult[]
  blocks: BlockResult[]
  /** Captured traffic and console lines of the step's window. */
  traffic: TrafficEntry[]
  consoleLogs: ConsoleLogEntry[]
  /** Step-level loops: one result per iteration. */
  iterations?: StepResult[]
}

export interface TestResult {
  name: string
  status: Status
  durationMs: number
  steps: StepResult[]
  error?: ErrorInfo
}

export interface DefinitionResult {
  name: string
  file: string
  runId: string
  status: 'passed' | 'failed' | 'error'
  startedAt: number
  /** Time to a ready environment. */
  bootMs: number
  durationMs: number
  tests: TestResult[]
  /** Set when the environment could not start or the run broke outside any step. */
  error?: ErrorInfo
}
