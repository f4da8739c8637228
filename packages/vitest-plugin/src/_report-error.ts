// Errors a test throws whose message is the whole report: Vitest prints it without a stack trace
// into the plugin's internals.
import { DokkimiError, type DokkimiErrorCode } from '@dokkimi/core'

/** A DokkimiError whose stack is only its message, so the framework shows the report and nothing else. */
export function reportError(code: DokkimiErrorCode, message: string): DokkimiError {
  const error = new DokkimiError(code, message)
  error.stack = `${error.name}: ${message}`
  return error
}
