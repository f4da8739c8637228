// Shared formatting of the reporters: colours, durations and short values come from core.

export { formatDuration, paint, showValue, truncate, type Paint } from '@dokkimi/core'

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

export const SYMBOL = { passed: '✓', failed: '✗', skipped: '-', error: '!', warned: '!' } as const
