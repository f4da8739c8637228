import type { Issue } from './issues.js'

// Shared with core's error family: `isDokkimiError()` recognises this brand across package copies.
const BRAND = Symbol.for('dokkimi.error')

/** Thrown by the `…OrThrow` variants; holds every error issue. */
export class ResolveError extends Error {
  readonly code = 'RESOLVER_INVALID_DEFINITION' as const
  readonly [BRAND] = true
  constructor(readonly issues: Issue[]) {
    const first = issues[0]
    super(first ? `${issues.length} error(s) resolving definitions; first: ${first.file}:${first.line}:${first.column} ${first.message}` : 'invalid definition')
    this.name = 'ResolveError'
  }
}

export function isResolveError(error: unknown): error is ResolveError {
  return error instanceof ResolveError || (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true && (error as { code?: unknown }).code === 'RESOLVER_INVALID_DEFINITION')
}
