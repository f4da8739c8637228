import type { Assertion } from '@dokkimi/resolver'
import type { AssertionResult, RootContext } from './types.js'
import { evaluateIn } from './_evaluate.js'

/**
 * Evaluates one assertion against a root context (F-260..F-278): sources, transforms, `{from}`
 * value references, `{{}}` in path and value left literal when undefined (F-030), `disabled` (F-232).
 */
export function evaluateAssertion(assertion: Assertion, root: RootContext, vars: Record<string, unknown>, options: { blockIndex?: number } = {}): AssertionResult {
  const doc: Record<string, unknown> = { ...root, variables: vars }
  return evaluateIn(assertion, { doc, vars, blockIndex: options.blockIndex ?? 0 }).result
}
