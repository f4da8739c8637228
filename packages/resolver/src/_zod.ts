import { z } from 'zod'
import type { IssueCode } from './issues.js'

/**
 * Schemas name the issue code of every check in its zod `error`, so a zod issue maps to one
 * rule of FEATURES.md §3; `_validate.ts` turns them into positioned issues.
 */
export const c = (code: IssueCode) => ({ error: code })

/** A strict object: not-an-object and unknown keys get their own codes (unknown keys warn). */
export function obj<S extends z.ZodRawShape>(shape: S, notObject: IssueCode, unknownKey: IssueCode) {
  return z.strictObject(shape, { error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKey : notObject) })
}

export const nonEmpty = (code: IssueCode) => z.string(c(code)).min(1, c(code))
export const posInt = (code: IssueCode) => z.number(c(code)).int(c(code)).positive(c(code))
export const nonNegInt = (code: IssueCode) => z.number(c(code)).int(c(code)).nonnegative(c(code))
export const IDENTIFIER = /^\w+$/

/** Adds a custom issue with its own code and message from inside a refinement. */
export function report(
  ctx: z.RefinementCtx,
  code: IssueCode,
  path: (string | number)[] = [],
  extra: { message?: string; hint?: string; key?: string } = {},
): void {
  ctx.addIssue({ code: 'custom', message: code, path, params: { code, ...extra } })
}
