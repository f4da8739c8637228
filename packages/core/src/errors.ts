// One error family for every Dokkimi package (STYLE.md rule 13).
const BRAND = Symbol.for('dokkimi.error')

/** Every code a DokkimiError can carry, grouped by area. */
export type DokkimiErrorCode =
  | 'RESOLVER_INVALID_DEFINITION'
  | 'RUNTIME_UNAVAILABLE'
  | 'RUNTIME_NOT_INSTALLED'
  | 'RUNTIME_UNSUPPORTED_ITEM'
  | 'RUNTIME_UNKNOWN'
  | 'ENVIRONMENT_START_FAILED'
  | 'ENVIRONMENT_TIMEOUT'
  | 'ENVIRONMENT_STOPPED'
  | 'ENVIRONMENT_NOT_RUNNING'
  | 'INTERCEPTOR_UNAVAILABLE'
  | 'STEP_TIMEOUT'
  | 'STEP_FAILED'
  | 'STEP_VARIABLE_UNDEFINED'
  | 'STEP_HTTP_FAILED'
  | 'STEP_DATABASE_FAILED'
  | 'STEP_UNSUPPORTED_ACTION'
  | 'ASSERTION_FAILED'
  | 'TEST_NOT_FOUND'
  | 'FLOW_INVALID_ARGUMENT'

/** Base class of Dokkimi's errors: a `code` to branch on, structured `details`, and `cause`. */
export class DokkimiError extends Error {
  readonly [BRAND] = true
  override name = 'DokkimiError'
  constructor(
    readonly code: DokkimiErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    if (options.details) this.details = options.details
  }
  details?: Record<string, unknown>
}

/** True for any Dokkimi error, including the resolver's ResolveError and errors from another copy of the package. */
export function isDokkimiError(error: unknown): error is DokkimiError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true
}
