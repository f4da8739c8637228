// Errors thrown into Jest: their stack is the message alone (and no `cause`, which Jest prints with
// its stack), so Jest shows the Dokkimi report or the resolver's issues, not Dokkimi's internals.
import { DokkimiError, isDokkimiError, type DokkimiErrorCode } from '@dokkimi/core'

export function failure(code: DokkimiErrorCode, message: string): DokkimiError {
  const error = new DokkimiError(code, message)
  error.stack = `${error.name}: ${message}`
  return error
}

/** A Dokkimi error from starting an environment, as a failure; anything else unchanged. */
export function startFailure(error: unknown): unknown {
  return isDokkimiError(error) ? failure(error.code as DokkimiErrorCode, error.message) : error
}
