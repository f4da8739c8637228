import type { z } from 'zod'
import { type IssueSink } from './_context.js'
import { type IssueCode, RULES } from './issues.js'
import { isObject } from './_refs.js'
import type { SourcePos } from './_source.js'

type Path = (string | number)[]
type ZIssue = z.core.$ZodIssue

const isCode = (s: unknown): s is IssueCode => typeof s === 'string' && Object.hasOwn(RULES, s)

/** Runs a zod schema and reports every issue under its rule code, at the user's line. */
export function validateWith(schema: z.ZodType, value: unknown, sink: IssueSink, fallback: SourcePos): void {
  const result = schema.safeParse(value)
  if (result.success) return
  for (const issue of flatten(result.error.issues, [])) report(issue, value, sink, fallback)
}

type Flat = ZIssue & { fullPath: Path }

function flatten(issues: readonly ZIssue[], prefix: Path): Flat[] {
  const out: Flat[] = []
  for (const issue of issues) {
    const fullPath = [...prefix, ...(issue.path as Path)]
    if (issue.code === 'invalid_key' && issue.issues.length > 0) {
      // A record key failed its own check (V-005, V-096): report the key's code, at the key.
      out.push(...flatten(issue.issues, fullPath))
      continue
    }
    if (issue.code === 'invalid_union' && !isCode(issue.message) && issue.errors.length > 0) {
      // Report the branch that got furthest: the one with the fewest issues.
      const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0]!
      out.push(...flatten(best, fullPath))
      continue
    }
    out.push({ ...issue, fullPath })
  }
  return out
}

function score(issues: readonly ZIssue[]): number {
  return issues.reduce((n, i) => n + (i.code === 'invalid_type' && i.path.length === 0 ? 100 : i.code === 'unrecognized_keys' ? 0.5 : 1), 0)
}

function valueAt(root: unknown, path: Path): unknown {
  let cur = root
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string | number, unknown>)[seg]
  }
  return cur
}

function report(issue: Flat, root: unknown, sink: IssueSink, fallback: SourcePos): void {
  const params = (issue as { params?: { code?: IssueCode; message?: string; hint?: string; key?: string } }).params
  if (issue.code === 'unrecognized_keys') {
    const code = isCode(issue.message) ? issue.message : 'DEFINITION_UNKNOWN_KEY'
    for (const key of issue.keys) {
      const owner = valueAt(root, issue.fullPath)
      const path = [...issue.fullPath, key]
      let finalCode: IssueCode = code
      let hint: string | undefined
      if (code === 'ITEM_UNKNOWN_KEY' && key === 'stage' && isObject(owner) && owner.type === 'MOCK') finalCode = 'ITEM_STAGE_ON_MOCK'
      else if (code === 'ITEM_UNKNOWN_KEY' && isObject(owner)) hint = unknownItemKeyHint(owner.type, key)
      else if (code === 'BLOCK_UNKNOWN_KEY' && LEGACY_BLOCK_KEYS[key]) {
        finalCode = 'LEGACY_BLOCK'
        hint = LEGACY_BLOCK_KEYS[key]
      } else if (code === 'STEP_UNKNOWN_KEY' && key === 'match') hint = 'match belongs inside an assertion block: `assertions: [{match: …}]`.'
      sink.addAt(finalCode, root, path, fallback, { key, value: valueAt(root, path), ...(hint ? { hint } : {}) })
    }
    return
  }
  const code: IssueCode = params?.code ?? (isCode(issue.message) ? issue.message : 'SCHEMA')
  const value = valueAt(root, issue.fullPath)
  const key = params?.key ?? String(issue.fullPath.at(-1) ?? '')
  const message = params?.message ?? (code === 'SCHEMA' ? `${issue.message.replace(/^Invalid input: /, '')}` : undefined)
  sink.addAt(code, root, issue.fullPath, fallback, {
    value,
    key,
    ...(message ? { message } : {}),
    ...(params?.hint ? { hint: params.hint } : {}),
  })
}

// L-04 / L-05: v0.3.x assertion block keys and what replaced them.
const LEGACY_BLOCK_KEYS: Record<string, string> = {
  assertionScope: 'Use $.match (first), $.lastMatch (last), or a forEach over $.matches (all) in a match block.',
  consoleAssertions: 'Use a match block over $.consoleLogs with where on $$.service, $$.level and $$.message.',
  service: 'Use a match block over $.consoleLogs with `where: [{path: $$.service, operator: eq, value: …}]`.',
  count: 'Put count inside match: `match: {path: $.traffic, where: […], count: 1}`.',
  target: 'Blocks are self blocks, or match blocks with `match: {path: $.traffic, where: […]}`.',
}

const ITEM_KEYS: Record<string, string[]> = {
  SERVICE: ['image', 'port', 'healthCheck', 'env', 'command', 'entrypoint', 'mountFiles', 'uiPath', 'stage', 'minCpu', 'maxCpu', 'minMemory', 'maxMemory'],
  WORKER: ['image', 'env', 'command', 'entrypoint', 'mountFiles', 'stage', 'minCpu', 'maxCpu', 'minMemory', 'maxMemory'],
  DATABASE: ['database', 'image', 'version', 'initFilePath', 'initFilePaths', 'dbName', 'dbUser', 'dbPassword', 'noAuth', 'stage'],
  BROKER: ['broker', 'version', 'image', 'port', 'healthCheck', 'env', 'command', 'stage'],
  MOCK: ['mockTarget', 'mockPath', 'mockMethod', 'mockOrigin', 'mockDelayMs', 'mockResponseStatus', 'mockResponseHeaders', 'mockResponseBody', 'mockRequestBodyContains', 'mockRequestBodyMatches'],
}

function unknownItemKeyHint(type: unknown, key: string): string | undefined {
  const allowed = typeof type === 'string' ? ITEM_KEYS[type] : undefined
  if (!allowed) return undefined
  const near = allowed.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k.toLowerCase(), key.toLowerCase()) <= 2)
  return near ? `Did you mean "${near}"?` : `${type} accepts: ${allowed.join(', ')}.`
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!
    dp[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return dp[b.length]!
}
