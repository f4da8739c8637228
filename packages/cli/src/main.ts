import { defineCommand } from 'citty'
import { version } from './_version.js'

/** The `dokkimi` command and its lazily loaded subcommands. */
export const main = defineCommand({
  meta: { name: 'dokkimi', version, description: 'Integration tests for microservices, against real traffic' },
  subCommands: {
    validate: () => import('./commands/validate.js').then((m) => m.default),
  },
})
