// The step's own document (F-241..F-243): what `$.request`, `$.response` and `$.responseTime` read.
export interface SelfDocument {
  request: unknown
  response: unknown
  responseTime: number | null
}

/** wait and parallel steps: empty request/response, no responseTime (F-243). */
export const EMPTY_SELF: SelfDocument = Object.freeze({ request: {}, response: {}, responseTime: null }) as SelfDocument
