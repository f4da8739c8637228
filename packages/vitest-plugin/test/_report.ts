import { readFileSync } from 'node:fs'

export interface AssertionReport {
  fullName: string
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo'
  failureMessages: string[]
}

/** Vitest's JSON report, reduced to what the tests read. */
export function readReport(file: string): { testResults: Array<{ name: string; status: string; message: string; assertionResults: AssertionReport[] }> } {
  return JSON.parse(readFileSync(file, 'utf8'))
}

/** `fullName → status` of every test in the report. */
export function statuses(file: string): Record<string, string> {
  return Object.fromEntries(readReport(file).testResults.flatMap((f) => f.assertionResults.map((a) => [a.fullName, a.status])))
}

/** The failure message of one test (stack-free reports are the whole message), durations as `N ms`. */
export function failure(file: string, fullName: string): string {
  const test = readReport(file).testResults.flatMap((f) => f.assertionResults).find((a) => a.fullName === fullName)
  if (!test) throw new Error(`no test named "${fullName}" in ${file}`)
  return test.failureMessages.join('\n').replace(/\b\d+ ms\b/g, 'N ms')
}
