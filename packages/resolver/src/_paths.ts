import type { z } from 'zod'
import { report } from './_zod.js'

// F-249: `$.` then keys and [n] indexes; keys may contain anything but `.` and `[`.
const PATH_BODY = /^(\.[^.[\]]+|\[-?\d+\])*$/
const LEGACY_ROOTS: [RegExp, string][] = [
  [/^\$\.body(\.|$|\[)/, '$.response.body'],
  [/^\$\.headers(\.|$)/, '$.response.headers'],
  [/^\$\.statusCode$/, '$.response.status'],
  [/^\$\.extracted(\.|$)/, '$.variables'],
]
// L-01 / L-02: un-prefixed v0.3.x paths and what to write instead.
const UNPREFIXED: [RegExp, (p: string) => string][] = [
  [/^response\.header\./, (p) => `$.response.headers.${p.slice('response.header.'.length)}`],
  [/^request\.header\./, (p) => `$.request.headers.${p.slice('request.header.'.length)}`],
  [/^response\.statusCode$/, () => '$.response.status'],
  [/^(response|request)(\.|$)/, (p) => `$.${p}`],
  [/^responseTime$/, () => '$.responseTime'],
  [/^duration$/, () => '$.responseTime'],
  [/^data\[/, (p) => `$.response.${p}`],
  [/^(success|rowsAffected|error)(\.|$)/, (p) => `$.response.${p}`],
]

export type PathContext = 'root' | 'where' | 'match'

/** Checks a path string and reports V-162/V-165/V-176 issues with a "did you mean" hint. */
export function checkPath(p: string, ctx: z.RefinementCtx, where: PathContext): void {
  const issue = pathProblem(p, where)
  if (issue) report(ctx, issue.code, [], { hint: issue.hint })
}

export function pathProblem(
  p: string,
  where: PathContext,
): { code: 'PATH_INVALID' | 'PATH_LEGACY' | 'PATH_MALFORMED' | 'PATH_DOLLAR_DOLLAR_OUTSIDE_WHERE' | 'WHERE_PATH_INVALID' | 'MATCH_PATH_INVALID'; hint?: string } | undefined {
  if (where !== 'match' && p.startsWith('{{')) return undefined
  if (where === 'where') {
    if (p === '$$') return undefined
    if (!p.startsWith('$$.')) return { code: 'WHERE_PATH_INVALID', hint: p.startsWith('$.') ? `Did you mean "$${p}"?` : undefined }
    return PATH_BODY.test(p.slice(2)) ? undefined : { code: 'PATH_MALFORMED' }
  }
  if (p.startsWith('$$')) return { code: 'PATH_DOLLAR_DOLLAR_OUTSIDE_WHERE', hint: '$$ is the candidate entry inside match.where; elsewhere use $.' }
  for (const [re, fix] of LEGACY_ROOTS) if (re.test(p)) return { code: 'PATH_LEGACY', hint: `Did you mean "${p.replace(re.source.includes('statusCode') ? '$.statusCode' : /^\$\.[a-zA-Z]+/.exec(p)![0], fix)}"?` }
  if (p === '$') return undefined
  if (!p.startsWith('$.')) {
    const legacy = UNPREFIXED.find(([re]) => re.test(p))
    const code = where === 'match' ? 'MATCH_PATH_INVALID' : 'PATH_INVALID'
    return { code, hint: legacy ? `Did you mean "${legacy[1](p)}"?` : 'Paths start at the root context, e.g. "$.response.body.id".' }
  }
  return PATH_BODY.test(p.slice(1)) ? undefined : { code: 'PATH_MALFORMED' }
}
