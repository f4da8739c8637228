import { createRequire } from 'node:module'

/** The version of @dokkimi/cli, read from its package.json. */
export const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version
