import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { assertKnownFlags, EXIT } from '../_errors.js'
import { resolveFlags } from '../_flags.js'
import { terminal } from '../_terminal.js'
import { version } from '../_version.js'

const args = {
  dir: { type: 'positional', required: false, description: 'The project folder to create .dokkimi/ in (default: the current folder)' },
} as const

/** The scaffold (F-311): a postgres fragment with an init file and a mocked third-party API, used by one definition. */
export const SCAFFOLD: Record<string, string> = {
  'config.yaml': `# Project settings: the Dokkimi version this project expects, and build-time values.
dokkimi: ${version}
# Values for \${{KEY}} references in any definition or fragment.
env: {}
`,
  'shared/postgres.yaml': `# A database fragment: definitions pull it in with $ref.
type: DATABASE
name: postgres
database: postgres
version: '16'
initFilePath: ../init-files/init.sql
`,
  'shared/payments-api.yaml': `# A third-party API the services would call: answered by a mock, never by the internet.
type: MOCK
name: payments-api
mockTarget: api.payments.example
mockPath: /v1/charges
mockMethod: POST
mockResponseStatus: 200
mockResponseBody:
  id: ch_1
  status: succeeded
`,
  'init-files/init.sql': `CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL);
INSERT INTO products (name, price_cents) VALUES ('Widget', 1249), ('Gadget', 2599);
`,
  'definitions/example.yaml': `# Run it with \`dokkimi run example\`. Add your own SERVICE items (image, port, healthCheck)
# and test them the same way: every call between them is captured and can be asserted on.
name: example
description: A seeded database and a mocked payments API
items:
  - $ref: ../shared/postgres.yaml
  - $ref: ../shared/payments-api.yaml
tests:
  - name: Seeded data and a mocked charge
    steps:
      - name: Read the seeded products
        action:
          type: dbQuery
          database: postgres
          query: SELECT name, price_cents FROM products ORDER BY id
        assertions:
          - assertions:
              - path: $.response.data[0].name
                operator: eq
                value: Widget
              - path: $.response.data[1].price_cents
                operator: eq
                value: 2599
      - name: Charge a card
        action:
          type: httpRequest
          method: POST
          url: api.payments.example/v1/charges
          body: { amount: 1249, currency: usd }
        assertions:
          - assertions:
              - path: $.response.status
                operator: eq
                value: 200
              - path: $.response.body.status
                operator: eq
                value: succeeded
`,
}

export default defineCommand({
  meta: { name: 'init', description: 'Create .dokkimi/ with a small example that validates and runs' },
  args,
  run({ args: parsed, rawArgs }) {
    assertKnownFlags(rawArgs, args)
    const { cwd } = resolveFlags({})
    const root = join(resolve(cwd, parsed.dir ?? '.'), '.dokkimi')
    const files = Object.entries(SCAFFOLD).map(([rel, text]) => ({ file: join(root, rel), text }))
    const existing = files.filter((f) => existsSync(f.file)).map((f) => relative(cwd, f.file) || f.file)
    if (existing.length > 0) {
      terminal.err(`dokkimi init writes nothing: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}. Move ${existing.length === 1 ? 'it' : 'them'} away to scaffold again.`)
      return EXIT.failed
    }
    for (const { file, text } of files) {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, text)
    }
    terminal.out([`Created ${relative(cwd, root) || root}/:`, ...Object.keys(SCAFFOLD).map((rel) => `  ${rel}`), '', 'Next: `dokkimi validate`, then `dokkimi run`.'].join('\n'))
    return EXIT.ok
  },
})
