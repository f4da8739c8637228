import type { AssertionBlock } from '@dokkimi/resolver'
import type { AssertContext, BlockResult } from './types.js'
import { setVariable } from '../variables/interpolate.js'
import { evaluateBlock, loopOf, type BlockEvaluation } from './_block.js'

/**
 * Evaluates one assertion block (F-220..F-233, ARCHITECTURE §5). A failing match over a log source,
 * or an absence check that passes, waits once for `ctx.settle()` and is evaluated again from
 * scratch on the fresh root; only the final evaluation's `match.as`/`extract` reach the variables.
 */
export async function assert(block: AssertionBlock, ctx: AssertContext): Promise<BlockResult> {
  const live = ctx.root.variables
  const before = { ...live }
  let final = await evaluateBlock(block, ctx.root, live, ctx.blockIndex)
  let settled = false
  if (ctx.settle && needsSettle(final)) {
    const fresh = await ctx.settle()
    final = await evaluateBlock(block, { ...fresh, variables: live }, live, ctx.blockIndex)
    settled = true
    if (fresh.variables !== live) commit(fresh.variables, before, final.vars)
  }
  commit(live, before, final.vars)
  const result: BlockResult = {
    blockIndex: ctx.blockIndex,
    passed: final.passed,
    kind: block.match || loopOf(block)?.body.match ? 'match' : 'self',
    settled,
    results: final.evaluated.map((e) => e.result),
  }
  if (final.matched !== undefined) result.matched = final.matched
  return result
}

function needsSettle(ev: BlockEvaluation): boolean {
  if (!ev.passed && ev.logMatch) return true
  return ev.evaluated.some((e) => e.log && (e.result.passed ? e.absence : true))
}

// Applies to `target` what the evaluation changed relative to `before` (set, replaced or deleted keys).
function commit(target: Record<string, unknown>, before: Record<string, unknown>, after: Record<string, unknown>): void {
  for (const k of Object.keys(after)) if (!Object.hasOwn(before, k) || before[k] !== after[k]) setVariable(target, k, after[k])
  for (const k of Object.keys(before)) if (!Object.hasOwn(after, k)) delete target[k]
}
