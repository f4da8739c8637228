// Test-only builders for root contexts (not exported from the package).
import { assertionBlockSchema, assertionSchema, type Assertion, type AssertionBlock } from '@dokkimi/resolver'
import type { ConsoleLogEntry, RootContext, TrafficEntry } from './types.js'

let seq = 0

export function call(origin: string, method: string, url: string, options: { body?: unknown; status?: number; responseBody?: unknown; headers?: Record<string, string> } = {}): TrafficEntry {
  seq++
  const to = url.replace(/^https?:\/\//, '').split('/')[0] ?? ''
  return {
    seq,
    step: 1,
    timestamp: 1_700_000_000_000 + seq,
    origin,
    from: origin,
    to,
    responseTime: 12,
    mocked: false,
    outcome: 'proxied',
    request: { method, url, headers: options.headers ?? { 'content-type': 'application/json' }, body: options.body ?? {} },
    response: { status: options.status ?? 200, headers: { 'content-type': 'application/json' }, body: options.responseBody ?? {} },
    requestTimelineIndex: seq * 2,
    responseTimelineIndex: seq * 2 + 1,
  }
}

export function log(service: string, level: ConsoleLogEntry['level'], message: string): ConsoleLogEntry {
  return { timestamp: 1_700_000_000 + seq++, service, level, message, step: 1 }
}

export function root(fields: Partial<RootContext> = {}): RootContext {
  return { request: {}, response: {}, responseTime: null, variables: {}, traffic: [], consoleLogs: [], dbLogs: [], messageLogs: [], timeline: [], ...fields }
}

/** An HTTP self document (F-241). */
export function http(status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, fields: Partial<RootContext> = {}): RootContext {
  return root({ request: { method: 'GET', url: 'http://api/x', headers: {}, body: {} }, response: { status, headers, body }, responseTime: 42, ...fields })
}

/** A DB self document (F-242). */
export function db(data: unknown[], fields: Partial<RootContext> = {}): RootContext {
  return root({ request: { database: 'postgres-db', query: 'SELECT 1' }, response: { success: true, data, rowsAffected: data.length, error: null }, responseTime: 3, ...fields })
}

/** Parses a block through the resolver's schema, so every test block is a valid model value. */
export function block(input: unknown): AssertionBlock {
  return assertionBlockSchema.parse(input)
}

export function assertion(input: unknown): Assertion {
  return assertionSchema.parse(input)
}
