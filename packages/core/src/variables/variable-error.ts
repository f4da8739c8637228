import { DokkimiError } from '../errors.js'

/** A runtime `{{variable}}` reference that names no variable (F-026, F-030). */
export class VariableError extends DokkimiError {
  override name = 'VariableError'
  constructor(readonly variable: string) {
    super('STEP_VARIABLE_UNDEFINED', `variable '${variable}' is not defined`, { details: { variable } })
  }
}
