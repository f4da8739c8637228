import { createRequire } from 'node:module'
import { defineCommand } from 'citty'

const { version } = createRequire(import.meta.url)('../package.json') as { version: string }

/** The `dokkimi` command and its lazily loaded subcommands. */
export const main = defineCommand({
  meta: { name: 'dokkimi', version, description: 'Integration tests for microservices, against real traffic' },
  subCommands: {
    validate: () => import('./commands/validate.js').then((m) => m.default),
  },
})
