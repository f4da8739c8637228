import { defineCommand } from 'citty'
import { version } from './_version.js'

/** The `dokkimi` command and its lazily loaded subcommands. */
export const main = defineCommand({
  meta: { name: 'dokkimi', version, description: 'Integration tests for microservices, against real traffic' },
  subCommands: {
    run: () => import('./commands/run.js').then((m) => m.default),
    validate: () => import('./commands/validate.js').then((m) => m.default),
    dump: () => import('./commands/dump.js').then((m) => m.default),
    clean: () => import('./commands/clean.js').then((m) => m.default),
    doctor: () => import('./commands/doctor.js').then((m) => m.default),
    init: () => import('./commands/init.js').then((m) => m.default),
  },
})
