import { relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testdir } from '@dokkimi/test-utils'
import { loadDefinitions, type Issue, type IssueCode, type LoadResult, type Severity } from '@dokkimi/resolver'

/**
 * Invalid-input fixtures: one row per rule of FEATURES.md §3 (V-xxx), plus the seed (S-xx) and
 * legacy (L-xx) rejections. Each row writes its files into a temp dir, runs `loadDefinitions` on
 * it and expects one issue with the given code at the given file:line(:column). Error rows also
 * check that the definition was dropped; warning rows that it is still runnable.
 */

/** Indents every non-empty line of `text` by `n` spaces. */
const indent = (text: string, n: number) =>
  text
    .split('\n')
    .map((l) => (l === '' ? l : ' '.repeat(n) + l))
    .join('\n')

const D = '.dokkimi/a.yaml'
const SERVICE = "{type: SERVICE, name: api, image: 'api:1', port: 3000, healthCheck: /health}"
const GET = '{type: httpRequest, method: GET, url: api/orders}'
/** Lines 1-3: a definition `t` with one SERVICE `api`. */
const HEAD = `name: t\nitems:\n  - ${SERVICE}\n`
/** `body` is the items list, starting on line 3. */
const withItems = (body: string) => ({ [D]: `name: t\nitems:\n${indent(body, 2)}` })
/** `body` is the tests list, starting on line 5. */
const withTests = (body: string) => ({ [D]: `${HEAD}tests:\n${indent(body, 2)}` })
/** `body` is the steps list of test `t1`, starting on line 7. */
const withSteps = (body: string) => ({ [D]: `${HEAD}tests:\n  - name: t1\n    steps:\n${indent(body, 6)}` })
/** `body` is the assertion blocks of a GET step, starting on line 9. */
const withBlocks = (body: string) => ({ [D]: `${HEAD}tests:\n  - name: t1\n    steps:\n      - action: ${GET}\n        assertions:\n${indent(body, 10)}` })
/** `body` is the assertions of one self block, starting on line 10. */
const withAssertions = (body: string) => ({
  [D]: `${HEAD}tests:\n  - name: t1\n    steps:\n      - action: ${GET}\n        assertions:\n          - assertions:\n${indent(body, 14)}`,
})
/** `body` is the sub-steps of a ui action, starting on line 11. */
const withUi = (body: string) => ({ [D]: `${HEAD}tests:\n  - name: t1\n    steps:\n      - action:\n          type: ui\n          target: api\n          steps:\n${indent(body, 12)}` })

interface Case {
  /** Cites the rule (V-/F-/S-/L-) the case is about. */
  name: string
  files: Record<string, string>
  code: IssueCode
  /** File of the issue, relative to the temp root. @default D */
  file?: string
  line: number
  column?: number
  /** @default 'error' */
  severity?: Severity
  /** Target passed to loadDefinitions (relative to the temp root); default: discover from the root. */
  target?: string
  /** Rule id of the issue when it is not the one the name starts with. */
  rule?: string
  /** Definitions still runnable afterwards. @default [] for errors, ['t'] for warnings */
  valid?: string[]
}

const cases: Case[] = [
  // ── Discovery, parsing, config (V-001..V-017) ─────────────────────────────────────────────
  { name: 'V-001 config.yaml that does not parse', files: { '.dokkimi/config.yaml': 'env:\n  A: [1, 2\n', [D]: HEAD }, code: 'CONFIG_PARSE_ERROR', file: '.dokkimi/config.yaml', line: 3, column: 1, valid: ['t'] },
  { name: 'V-001 config.json that is not JSON', files: { '.dokkimi/config.json': '{\n  "env": {\n    "A": "x",\n  }\n}\n', [D]: HEAD }, code: 'CONFIG_PARSE_ERROR', file: '.dokkimi/config.json', line: 4, column: 3, valid: ['t'] },
  { name: 'V-002 config that is a list', files: { '.dokkimi/config.yaml': '# config\n- env\n', [D]: HEAD }, code: 'CONFIG_NOT_OBJECT', file: '.dokkimi/config.yaml', line: 2, column: 1, valid: ['t'] },
  { name: 'V-003 dokkimi version that is a list', files: { '.dokkimi/config.yaml': 'dokkimi: [0, 1]\n', [D]: HEAD }, code: 'CONFIG_VERSION_INVALID', file: '.dokkimi/config.yaml', line: 1, column: 1, valid: ['t'] },
  { name: 'V-004 env that is a list', files: { '.dokkimi/config.yaml': 'dokkimi: 0.1.0\nenv:\n  - A=1\n', [D]: HEAD }, code: 'CONFIG_ENV_NOT_OBJECT', file: '.dokkimi/config.yaml', line: 2, column: 1, valid: ['t'] },
  { name: 'V-005 env key with a hyphen', files: { '.dokkimi/config.yaml': 'env:\n  GOOD: 1\n  BAD-KEY: 2\n', [D]: HEAD }, code: 'CONFIG_ENV_KEY_INVALID', file: '.dokkimi/config.yaml', line: 3, column: 3, valid: ['t'] },
  { name: 'V-006 env value that is a map', files: { '.dokkimi/config.yaml': 'env:\n  A: 1\n  B: {x: 1}\n', [D]: HEAD }, code: 'CONFIG_ENV_VALUE_INVALID', file: '.dokkimi/config.yaml', line: 3, column: 3, valid: ['t'] },
  { name: 'F-006 unknown key in config.yaml (warning)', files: { '.dokkimi/config.yaml': 'env: {A: 1}\nenviron: {B: 2}\n', [D]: HEAD }, code: 'CONFIG_FILE_UNKNOWN_KEY', severity: 'warning', file: '.dokkimi/config.yaml', line: 2, column: 1 },
  { name: 'V-007 no .dokkimi/ anywhere', files: { 'readme.txt': 'nothing here\n' }, code: 'PROJECT_NOT_FOUND', file: '', line: 0 },
  { name: 'V-008 target file that does not exist', files: { [D]: HEAD }, target: '.dokkimi/missing.yaml', code: 'TARGET_NOT_FOUND', file: '.dokkimi/missing.yaml', line: 0 },
  { name: 'V-008 target that is not a definition file', files: { [D]: HEAD, '.dokkimi/notes.txt': 'hello\n' }, target: '.dokkimi/notes.txt', code: 'TARGET_NOT_DEFINITION', file: '.dokkimi/notes.txt', line: 0 },
  { name: 'V-009 malformed YAML (unclosed flow map)', files: { [D]: 'name: t\nitems:\n  - {type: SERVICE, name: api\ntests: []\n' }, code: 'PARSE_ERROR', line: 4, column: 1 },
  { name: 'V-009 malformed YAML (key indented less than its siblings)', files: { [D]: "name: t\nitems:\n  - type: SERVICE\n    name: api\n   image: 'api:1'\n" }, code: 'PARSE_ERROR', line: 5, column: 1 },
  { name: 'V-009 malformed YAML (tab indentation)', files: { [D]: 'name: t\nitems:\n\t- type: WORKER\n' }, code: 'PARSE_ERROR', line: 3, column: 1 },
  { name: 'V-009 malformed JSON (trailing comma)', files: { '.dokkimi/a.json': '{\n  "name": "t",\n  "items": [],\n}\n' }, code: 'PARSE_ERROR', file: '.dokkimi/a.json', line: 4, column: 1 },
  { name: 'V-009 malformed JSON (unquoted key)', files: { '.dokkimi/a.json': '{\n  "name": "t",\n  items: []\n}\n' }, code: 'PARSE_ERROR', file: '.dokkimi/a.json', line: 3, column: 3 },
  { name: 'V-009 malformed JSON (NaN) points at the token, not the end', files: { '.dokkimi/a.json': '{\n  "name": "t",\n  "items": [],\n  "retries": NaN\n}\n' }, code: 'PARSE_ERROR', file: '.dokkimi/a.json', line: 4, column: 14 },
  { name: 'V-009 malformed JSON after a byte order mark', files: { '.dokkimi/a.json': '\uFEFF{\n  "name": "t",\n  "items": [],\n}\n' }, code: 'PARSE_ERROR', file: '.dokkimi/a.json', line: 4, column: 1 },
  { name: 'V-009 duplicate YAML keys', files: { [D]: `name: t\nitems:\n  - ${SERVICE}\nname: u\n` }, code: 'PARSE_ERROR', line: 4, column: 1 },
  { name: 'V-009 duplicate keys in a JSON file', files: { '.dokkimi/a.json': '{\n  "name": "t",\n  "items": [],\n  "name": "u"\n}\n' }, code: 'PARSE_ERROR', file: '.dokkimi/a.json', line: 4, column: 3 },
  { name: 'V-009 two YAML documents in one file', files: { [D]: `${HEAD}---\nname: u\n` }, code: 'PARSE_ERROR', line: 4, column: 1 },
  {
    name: 'V-010 duplicate definition name across two files',
    files: { '.dokkimi/a.yaml': `${HEAD}`, '.dokkimi/b.yaml': `# the same name again\nname: t\nitems:\n  - ${SERVICE}\n` },
    code: 'DUPLICATE_DEFINITION_NAME', file: '.dokkimi/b.yaml', line: 2, column: 1, valid: ['t'],
  },
  { name: 'V-011 init file outside .dokkimi/', files: { ...withItems('- type: DATABASE\n  name: db\n  database: postgres\n  initFilePath: ../schema.sql\n'), 'schema.sql': 'select 1;\n' }, code: 'INIT_FILE_OUTSIDE_PROJECT', line: 6, column: 5 },
  {
    name: 'V-012 init file that does not exist',
    files: { ...withItems('- type: DATABASE\n  name: db\n  database: postgres\n  initFilePaths:\n    - ./init/a.sql\n    - ./init/missing.sql\n'), '.dokkimi/init/a.sql': 'select 1;\n' },
    code: 'INIT_FILE_NOT_FOUND', line: 8, column: 9,
  },
  {
    name: 'V-013 mount file outside the project root',
    files: withItems("- type: SERVICE\n  name: api\n  image: 'api:1'\n  port: 3000\n  healthCheck: /health\n  mountFiles:\n    - {source: ../../../etc/passwd, target: /etc/passwd}\n"),
    code: 'MOUNT_FILE_OUTSIDE_PROJECT', line: 9, column: 10,
  },
  {
    name: 'V-014 mount file that does not exist',
    files: withItems("- type: SERVICE\n  name: api\n  image: 'api:1'\n  port: 3000\n  healthCheck: /health\n  mountFiles:\n    - source: ./nginx.conf\n      target: /etc/nginx/nginx.conf\n"),
    code: 'MOUNT_FILE_NOT_FOUND', line: 9, column: 9,
  },
  { name: 'V-015 unresolved {{VAR}} in an item', files: withItems("- type: DATABASE\n  name: db\n  database: postgres\n  dbPassword: '{{DB_PASSWORD}}'\n"), code: 'ITEM_VARIABLE_UNRESOLVED', line: 6, column: 5 },
  { name: 'V-016 complex {{a.b}} in an item', files: { [D]: `name: t\nvariables:\n  db: {password: x}\nitems:\n  - type: DATABASE\n    name: db\n    database: postgres\n    dbPassword: '{{db.password}}'\n` }, code: 'ITEM_VARIABLE_INVALID', line: 8, column: 5 },
  { name: 'V-016 spaced {{ KEY }} in an item', files: withItems("- type: DATABASE\n  name: db\n  database: postgres\n  dbPassword: '{{ DB_PASSWORD }}'\n"), code: 'ITEM_VARIABLE_INVALID', line: 6, column: 5 },
  { name: 'V-016 indexed {{a[0]}} in an item', files: withItems("- {type: WORKER, name: w, image: 'w:{{tags[0]}}'}\n"), code: 'ITEM_VARIABLE_INVALID', line: 3, column: 29 },
  { name: 'V-017 unresolved ${{KEY}} in a test', files: withSteps("- action: {type: httpRequest, method: GET, url: 'api/x?token=${{TOKEN}}'}\n"), code: 'CONFIG_REFERENCE_UNRESOLVED', line: 7, column: 50 },
  {
    name: 'V-017 unresolved ${{KEY}} inside a $ref fragment points at the fragment',
    files: { [D]: 'name: t\nitems:\n  - $ref: ./api.yaml\n', '.dokkimi/api.yaml': "type: SERVICE\nname: api\nimage: '${{REGISTRY}}/api:1'\nport: 3000\nhealthCheck: /health\n", '.dokkimi/config.yaml': 'env:\n  OTHER: x\n' },
    code: 'CONFIG_REFERENCE_UNRESOLVED', file: '.dokkimi/api.yaml', line: 3, column: 1,
  },
  { name: 'F-025 {{ spaced }} runtime reference (warning)', files: withSteps("- action: {type: httpRequest, method: GET, url: 'api/orders/{{ id }}'}\n"), code: 'RUNTIME_VARIABLE_SYNTAX', severity: 'warning', line: 7, column: 50 },

  // ── Definition and config block (V-020..V-031) ────────────────────────────────────────────
  { name: 'V-020 unknown top-level key (warning)', files: { [D]: `${HEAD}mocks: []\n` }, code: 'DEFINITION_UNKNOWN_KEY', severity: 'warning', line: 4, column: 1 },
  { name: 'V-021 empty definition name', files: { [D]: `name: ''\nitems:\n  - ${SERVICE}\n` }, code: 'DEFINITION_NAME_INVALID', line: 1, column: 1 },
  { name: 'V-022 definition name longer than 100 characters', files: { [D]: `items:\n  - ${SERVICE}\nname: ${'n'.repeat(101)}\n` }, code: 'DEFINITION_NAME_TOO_LONG', line: 3, column: 1 },
  { name: 'V-023 items that is a map', files: { [D]: 'name: t\nitems:\n  api: {type: SERVICE}\n' }, code: 'ITEMS_NOT_ARRAY', line: 2, column: 1 },
  { name: 'V-024 empty items (warning)', files: { [D]: 'name: t\nitems: []\n' }, code: 'ITEMS_EMPTY', severity: 'warning', line: 2, column: 1 },
  { name: 'V-025 duplicate item name', files: withItems(`- ${SERVICE}\n- {type: DATABASE, name: api, database: redis}\n`), code: 'DUPLICATE_ITEM_NAME', line: 4, column: 22 },
  {
    name: 'V-025 duplicate item name from two $refs to one fragment',
    files: { ...withItems('- $ref: ./pg.yaml\n- $ref: ./pg.yaml\n'), '.dokkimi/pg.yaml': 'type: DATABASE\nname: pg\ndatabase: postgres\n' },
    code: 'DUPLICATE_ITEM_NAME', line: 4, column: 5,
  },
  { name: 'V-026 config that is a number', files: { [D]: `${HEAD}config: 300\n` }, code: 'CONFIG_BLOCK_INVALID', line: 4, column: 1 },
  { name: 'V-027 unknown config key (warning)', files: { [D]: `${HEAD}config:\n  timeout: 30\n` }, code: 'CONFIG_BLOCK_UNKNOWN_KEY', severity: 'warning', line: 5, column: 3 },
  { name: 'V-028 config.timeoutSeconds that is not an integer', files: { [D]: `${HEAD}config:\n  timeoutSeconds: 1.5\n` }, code: 'CONFIG_TIMEOUT_INVALID', line: 5, column: 3 },
  { name: 'V-028 config.timeoutSeconds that is a string', files: { [D]: `${HEAD}config: {timeoutSeconds: '300'}\n` }, code: 'CONFIG_TIMEOUT_INVALID', line: 4, column: 10 },
  { name: 'V-029 config.browser that is a string', files: { [D]: `${HEAD}config:\n  browser: chrome\n` }, code: 'CONFIG_BROWSER_INVALID', line: 5, column: 3 },
  { name: 'V-030 unknown config.browser key (warning)', files: { [D]: `${HEAD}config:\n  browser:\n    headless: true\n` }, code: 'CONFIG_BROWSER_UNKNOWN_KEY', severity: 'warning', line: 6, column: 5 },
  { name: 'V-031 empty config.browser.version', files: { [D]: `${HEAD}config:\n  browser:\n    version: ''\n` }, code: 'CONFIG_BROWSER_VERSION_INVALID', line: 6, column: 5 },
  { name: 'V-031 config.externalTraffic not block/passthrough', files: { [D]: `${HEAD}config:\n  externalTraffic: allow\n` }, code: 'CONFIG_EXTERNAL_TRAFFIC_INVALID', line: 5, column: 3 },

  // ── $ref (V-035..V-045) ───────────────────────────────────────────────────────────────────
  { name: 'V-035 item that is a string', files: withItems(`- ${SERVICE}\n- postgres\n`), code: 'ITEM_NOT_OBJECT', line: 4, column: 5 },
  { name: 'V-035 $ref target that is a list', files: { ...withItems('- $ref: ./list.yaml\n'), '.dokkimi/list.yaml': '- type: SERVICE\n' }, code: 'REF_NOT_OBJECT', line: 3, column: 5 },
  { name: 'V-036 $ref array with a non-string', files: { ...withItems('- $ref: [./a-frag.yaml, 42]\n'), '.dokkimi/a-frag.yaml': 'type: WORKER\nname: w\n' }, code: 'REF_INVALID', line: 3, column: 5 },
  { name: 'V-036 empty $ref', files: withItems("- $ref: ''\n  name: x\n"), code: 'REF_INVALID', line: 3, column: 5 },
  { name: 'V-036 empty action $ref', files: withSteps("- action: {$ref: ''}\n"), code: 'REF_INVALID', line: 7, column: 18 },
  { name: 'V-036 empty UI sub-step $ref', files: withUi("- $ref: ''\n"), code: 'REF_INVALID', line: 11, column: 15 },
  {
    name: 'V-037 $ref cycle across two fragments',
    files: { ...withItems('- $ref: ./shared/one.yaml\n'), '.dokkimi/shared/one.yaml': '$ref: ./two.yaml\nname: one\n', '.dokkimi/shared/two.yaml': 'type: WORKER\n$ref: ./one.yaml\n' },
    code: 'REF_CIRCULAR', file: '.dokkimi/shared/two.yaml', line: 2, column: 1,
  },
  { name: 'V-037 fragment that $refs itself', files: { ...withItems('- $ref: ./self.yaml\n'), '.dokkimi/self.yaml': 'type: WORKER\nname: w\n$ref: ./self.yaml\n' }, code: 'REF_CIRCULAR', file: '.dokkimi/self.yaml', line: 3, column: 1 },
  { name: 'V-037 item that $refs its own definition', files: withItems(`- ${SERVICE}\n- $ref: ./a.yaml\n`), code: 'REF_CIRCULAR', line: 4, column: 5 },
  {
    name: 'V-037 action $ref cycle',
    files: { ...withSteps('- action: {$ref: ./get.yaml}\n'), '.dokkimi/get.yaml': 'name: get\naction:\n  $ref: ./get.yaml\n' },
    code: 'REF_CIRCULAR', file: '.dokkimi/get.yaml', line: 3, column: 3,
  },
  {
    name: 'V-037 UI sub-step $ref cycle',
    files: { ...withUi('- visit: /\n- $ref: ./login.yaml\n'), '.dokkimi/login.yaml': 'steps:\n  - click: "#login"\n  - $ref: ./login.yaml\n' },
    code: 'REF_CIRCULAR', file: '.dokkimi/login.yaml', line: 3, column: 5,
  },
  {
    name: 'V-037 variables $ref cycle',
    files: { [D]: `name: t\nvariables:\n  $ref: ./vars.yaml\nitems:\n  - ${SERVICE}\n`, '.dokkimi/vars.yaml': 'a: 1\n$ref: ./vars.yaml\n' },
    code: 'REF_CIRCULAR', file: '.dokkimi/vars.yaml', line: 2, column: 1,
  },
  { name: 'V-038 $ref to a missing file', files: withItems(`- ${SERVICE}\n- $ref: ../shared/postgres.yaml\n  stage: 0\n`), code: 'REF_NOT_FOUND', line: 4, column: 5 },
  {
    name: 'V-038 missing file in a $ref array points at the entry',
    files: { ...withItems('- $ref:\n    - ./base.yaml\n    - ./overrides.yaml\n'), '.dokkimi/base.yaml': 'type: WORKER\nname: w\n' },
    code: 'REF_NOT_FOUND', line: 5, column: 9,
  },
  { name: 'V-038 action $ref to a missing file', files: withSteps('- name: create\n  action:\n    $ref: ./create-order.yaml\n'), code: 'REF_NOT_FOUND', line: 9, column: 11 },
  { name: 'V-038 variables $ref to a missing file', files: { [D]: `name: t\nitems:\n  - ${SERVICE}\nvariables:\n  $ref: ./vars.json\n` }, code: 'REF_NOT_FOUND', line: 5, column: 3 },
  { name: 'V-039 $ref target that does not parse', files: { ...withItems('- $ref: ./broken.yaml\n'), '.dokkimi/broken.yaml': 'type: WORKER\nname: [w\n' }, code: 'REF_UNPARSABLE', line: 3, column: 5 },
  {
    name: 'V-040 $ref chain deeper than 10',
    files: {
      ...withItems('- $ref: ./f1.yaml\n'),
      ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`.dokkimi/f${i + 1}.yaml`, i === 11 ? 'type: WORKER\nname: w\n' : `# level ${i + 1}\n$ref: ./f${i + 2}.yaml\n`])),
    },
    code: 'REF_TOO_DEEP', file: '.dokkimi/f10.yaml', line: 2, column: 1,
  },
  { name: 'V-041 action fragment without an action object', files: { ...withSteps('- action: {$ref: ./get.yaml}\n'), '.dokkimi/get.yaml': 'type: httpRequest\nmethod: GET\nurl: api/x\n' }, code: 'ACTION_FRAGMENT_INVALID', line: 7, column: 18 },
  { name: 'V-036 action $ref that is a list (F-048: string refs only)', files: withSteps('- action:\n    $ref: [./a.yaml, ./b.yaml]\n'), code: 'REF_INVALID', line: 8, column: 11 },
  { name: 'V-042 action fragment with extra keys (warning)', files: { ...withSteps('- action: {$ref: ./get.yaml}\n'), '.dokkimi/get.yaml': `name: get\nassertions: []\naction: ${GET}\n` }, code: 'ACTION_FRAGMENT_EXTRA_KEYS', severity: 'warning', file: '.dokkimi/get.yaml', line: 1, column: 1 },
  { name: 'V-043 UI sub-step $ref that is not a string', files: withUi('- $ref: {path: ./login.yaml}\n'), code: 'UI_FRAGMENT_INVALID', line: 11, column: 15 },
  { name: 'V-043 UI sub-step fragment without steps', files: { ...withUi('- $ref: ./login.yaml\n'), '.dokkimi/login.yaml': 'click: "#login"\n' }, code: 'UI_FRAGMENT_INVALID', line: 11, column: 15 },
  { name: 'V-044 UI sub-step fragment with extra keys (warning)', files: { ...withUi('- $ref: ./login.yaml\n'), '.dokkimi/login.yaml': 'target: api\nsteps:\n  - visit: /login\n' }, code: 'UI_FRAGMENT_EXTRA_KEYS', severity: 'warning', file: '.dokkimi/login.yaml', line: 1, column: 1 },
  { name: 'V-045 variables $ref to a list file', files: { [D]: `name: t\nitems:\n  - ${SERVICE}\nvariables:\n  $ref: ./vars.yaml\n`, '.dokkimi/vars.yaml': '- a\n- b\n' }, code: 'VARIABLES_REF_INVALID', line: 5, column: 3 },
  { name: 'V-045 variables file with a bad key', files: { [D]: `name: t\nitems:\n  - ${SERVICE}\nvariables:\n  $ref: ./vars.yaml\n`, '.dokkimi/vars.yaml': 'good: 1\nbad-key: 2\n' }, code: 'VARIABLES_REF_INVALID', file: '.dokkimi/vars.yaml', line: 2, column: 1 },

  // ── Items (V-050..V-082, F-062, F-110) ────────────────────────────────────────────────────
  { name: 'V-050 item without type', files: withItems('- name: api\n  image: api\n'), code: 'ITEM_TYPE_INVALID', line: 3, column: 5 },
  { name: 'V-050 unknown item type', files: withItems('- name: api\n  type: CONTAINER\n'), code: 'ITEM_TYPE_INVALID', line: 4, column: 5 },
  { name: 'V-051 item without name', files: withItems("- type: SERVICE\n  image: 'api:1'\n  port: 3000\n  healthCheck: /health\n"), code: 'ITEM_NAME_MISSING', line: 3, column: 5 },
  { name: 'V-052 item name longer than 63 characters', files: withItems(`- {type: WORKER, name: ${'a'.repeat(64)}, image: w}\n`), code: 'ITEM_NAME_TOO_LONG', line: 3, column: 20 },
  { name: 'V-053 item name with capitals', files: withItems("- type: SERVICE\n  name: Api\n  image: 'api:1'\n  port: 3000\n  healthCheck: /health\n"), code: 'ITEM_NAME_INVALID', line: 4, column: 5 },
  { name: 'V-053 item name with an underscore', files: withItems('- {type: WORKER, name: order_worker, image: w}\n'), code: 'ITEM_NAME_INVALID', line: 3, column: 20 },
  { name: 'V-053 item name ending in a hyphen', files: withItems('- {type: DATABASE, name: db-, database: redis}\n'), code: 'ITEM_NAME_INVALID', line: 3, column: 22 },
  { name: 'V-053 bad item name inside a $ref fragment points at the fragment', files: { ...withItems('- $ref: ./worker.yaml\n'), '.dokkimi/worker.yaml': 'type: WORKER\nname: Worker.One\nimage: w\n' }, code: 'ITEM_NAME_INVALID', file: '.dokkimi/worker.yaml', line: 2, column: 1 },
  {
    name: 'V-064 bad env entry spread by ...$ref (F-043) points at the fragment',
    files: { ...withItems("- $ref: ./worker.yaml\n  env:\n    - '...$ref.env'\n    - {name: DEBUG, value: 'true'}\n"), '.dokkimi/worker.yaml': 'type: WORKER\nname: w\nimage: w\nenv:\n  - {name: A, value: 1}\n' },
    code: 'ENV_INVALID', file: '.dokkimi/worker.yaml', line: 5, column: 15,
  },
  {
    name: 'V-064 bad env entry next to a ...$ref spread (F-043) points at its own line',
    files: { ...withItems("- $ref: ./worker.yaml\n  env:\n    - '...$ref.env'\n    - {name: DEBUG, value: 1}\n"), '.dokkimi/worker.yaml': 'type: WORKER\nname: w\nimage: w\nenv:\n  - {name: A, value: a}\n' },
    code: 'ENV_INVALID', line: 6, column: 23,
  },
  { name: 'V-054 item description longer than 500 characters (warning)', files: withItems(`- {type: WORKER, name: w, image: w, description: ${'d'.repeat(501)}}\n`), code: 'ITEM_DESCRIPTION_TOO_LONG', severity: 'warning', line: 3, column: 39 },
  { name: 'V-055 negative stage', files: withItems('- {type: WORKER, name: w, image: w, stage: -1}\n'), code: 'ITEM_STAGE_INVALID', line: 3, column: 39 },
  { name: 'V-055 stage that is a string', files: withItems("- {type: DATABASE, name: db, database: redis, stage: 'one'}\n"), code: 'ITEM_STAGE_INVALID', line: 3, column: 49 },
  { name: 'F-110 stage on a MOCK', files: withItems('- type: MOCK\n  name: stripe\n  mockTarget: api.stripe.com\n  mockPath: /v1/charges\n  stage: 1\n'), code: 'ITEM_STAGE_ON_MOCK', line: 7, column: 5 },
  { name: 'V-056 unknown item key with a suggestion (warning)', files: withItems("- type: SERVICE\n  name: api\n  image: 'api:1'\n  port: 3000\n  healthcheck: /health\n  healthCheck: /health\n"), code: 'ITEM_UNKNOWN_KEY', severity: 'warning', line: 7, column: 5 },
  { name: 'V-057 SERVICE without image', files: withItems('- type: SERVICE\n  name: api\n  port: 3000\n  healthCheck: /health\n'), code: 'SERVICE_IMAGE_MISSING', line: 3, column: 5 },
  { name: 'V-058 SERVICE without healthCheck', files: withItems("- {type: SERVICE, name: api, image: 'api:1', port: 3000}\n"), code: 'SERVICE_HEALTHCHECK_MISSING', line: 3, column: 5 },
  { name: 'V-059 healthCheck that is neither a path nor tcp', files: withItems("- type: SERVICE\n  name: api\n  image: 'api:1'\n  port: 3000\n  healthCheck: health\n"), code: 'SERVICE_HEALTHCHECK_INVALID', line: 7, column: 5 },
  { name: 'V-060 port out of range', files: withItems("- {type: SERVICE, name: api, image: 'api:1', port: 70000, healthCheck: /health}\n"), code: 'PORT_INVALID', line: 3, column: 48 },
  { name: 'V-060 port that is a string', files: withItems("- type: SERVICE\n  name: api\n  image: 'api:1'\n  port: '3000'\n  healthCheck: /health\n"), code: 'PORT_INVALID', line: 6, column: 5 },
  { name: 'V-061 command that is a string', files: withItems('- {type: WORKER, name: w, image: w, command: node server.js}\n'), code: 'COMMAND_INVALID', line: 3, column: 39 },
  { name: 'V-062 entrypoint with a number', files: withItems('- type: WORKER\n  name: w\n  image: w\n  entrypoint:\n    - sh\n    - 1\n'), code: 'ENTRYPOINT_INVALID', line: 8, column: 9 },
  { name: 'V-063 mountFiles target that is relative', files: withItems('- type: WORKER\n  name: w\n  image: w\n  mountFiles:\n    - source: ./a.conf\n      target: etc/a.conf\n'), code: 'MOUNT_FILES_INVALID', line: 8, column: 9 },
  { name: 'V-064 env written as a map', files: withItems("- type: SERVICE\n  name: api\n  image: 'api:1'\n  port: 3000\n  healthCheck: /health\n  env:\n    NODE_ENV: test\n"), code: 'ENV_INVALID', line: 8, column: 5 },
  { name: 'V-064 env value that is a number', files: withItems('- type: WORKER\n  name: w\n  image: w\n  env:\n    - name: PORT\n      value: 8080\n'), code: 'ENV_INVALID', line: 8, column: 9 },
  { name: 'V-065 WORKER without image (warning)', files: withItems('- {type: WORKER, name: w}\n'), code: 'WORKER_IMAGE_MISSING', severity: 'warning', line: 3, column: 5 },
  { name: 'V-066 unknown database engine', files: withItems('- type: DATABASE\n  name: db\n  database: oracle\n'), code: 'DATABASE_ENGINE_INVALID', line: 5, column: 5 },
  { name: 'V-067 DATABASE with image and version', files: withItems("- type: DATABASE\n  name: db\n  database: postgres\n  image: 'postgres:16'\n  version: '16'\n"), code: 'DATABASE_IMAGE_AND_VERSION', line: 7, column: 5 },
  { name: 'V-068 version latest', files: withItems('- type: DATABASE\n  name: db\n  database: mysql\n  version: latest\n'), code: 'VERSION_INVALID', line: 6, column: 5 },
  { name: 'V-069 empty DATABASE image', files: withItems("- type: DATABASE\n  name: db\n  database: mysql\n  image: ''\n"), code: 'DATABASE_IMAGE_INVALID', line: 6, column: 5 },
  { name: 'V-070 noAuth that is a string', files: withItems("- type: DATABASE\n  name: db\n  database: mongodb\n  noAuth: 'yes'\n"), code: 'DATABASE_NOAUTH_INVALID', line: 6, column: 5 },
  { name: 'V-070 noAuth with credentials', files: withItems('- type: DATABASE\n  name: db\n  database: redis\n  dbPassword: secret\n  noAuth: true\n'), code: 'DATABASE_NOAUTH_WITH_CREDENTIALS', line: 7, column: 5 },
  { name: 'V-071 initFilePaths that is a string', files: withItems('- type: DATABASE\n  name: db\n  database: postgres\n  initFilePaths: ./init.sql\n'), code: 'INIT_FILE_INVALID', line: 6, column: 5 },
  { name: 'V-071 empty initFilePath', files: withItems("- type: DATABASE\n  name: db\n  database: postgres\n  initFilePath: ''\n"), code: 'INIT_FILE_INVALID', line: 6, column: 5 },
  { name: 'V-072 unknown broker kind', files: withItems('- {type: BROKER, name: mq, broker: nats}\n'), code: 'BROKER_KIND_INVALID', line: 3, column: 30 },
  { name: 'V-073 BROKER healthCheck that is a number', files: withItems('- type: BROKER\n  name: mq\n  broker: kafka\n  healthCheck: 9092\n'), code: 'BROKER_HEALTHCHECK_INVALID', line: 6, column: 5 },
  { name: 'V-074 MOCK without mockTarget', files: withItems('- type: MOCK\n  name: stripe\n  mockPath: /v1/charges\n'), code: 'MOCK_TARGET_INVALID', line: 3, column: 5 },
  { name: 'V-074 MOCK with a non-string mockPath', files: withItems('- type: MOCK\n  name: stripe\n  mockTarget: api.stripe.com\n  mockPath: [/v1/charges]\n'), code: 'MOCK_PATH_INVALID', line: 6, column: 5 },
  { name: 'V-075 unknown mockMethod', files: withItems('- {type: MOCK, name: m, mockTarget: x.com, mockPath: "*", mockMethod: FETCH}\n'), code: 'MOCK_METHOD_INVALID', line: 3, column: 61 },
  { name: 'V-076 mockResponseStatus below 100', files: withItems('- type: MOCK\n  name: m\n  mockTarget: x.com\n  mockPath: "*"\n  mockResponseStatus: 99\n'), code: 'MOCK_STATUS_INVALID', line: 7, column: 5 },
  { name: 'V-077 negative mockDelayMs', files: withItems('- type: MOCK\n  name: m\n  mockTarget: x.com\n  mockPath: "*"\n  mockDelayMs: -5\n'), code: 'MOCK_DELAY_INVALID', line: 7, column: 5 },
  { name: 'V-077 mockDelayMs and mockResponseDelay together', files: withItems('- type: MOCK\n  name: m\n  mockTarget: x.com\n  mockPath: "*"\n  mockDelayMs: 5\n  mockResponseDelay: 5\n'), code: 'MOCK_DELAY_BOTH', line: 8, column: 5 },
  { name: 'V-078 empty mockRequestBodyContains', files: withItems("- type: MOCK\n  name: m\n  mockTarget: x.com\n  mockPath: '*'\n  mockRequestBodyContains: ''\n"), code: 'MOCK_BODY_CONTAINS_INVALID', line: 7, column: 5 },
  { name: 'V-079 mockRequestBodyMatches that is not a regex', files: withItems("- type: MOCK\n  name: m\n  mockTarget: x.com\n  mockPath: '*'\n  mockRequestBodyMatches: '\"amount\":(\\d+'\n"), code: 'MOCK_BODY_MATCHES_INVALID', line: 7, column: 5 },
  { name: 'V-080 both mock body matchers', files: withItems("- type: MOCK\n  name: m\n  mockTarget: x.com\n  mockPath: '*'\n  mockRequestBodyContains: a\n  mockRequestBodyMatches: b\n"), code: 'MOCK_BODY_MATCHERS_BOTH', line: 8, column: 5 },
  { name: 'V-081 HTTP_REQUEST without requestUrl', files: withItems('- type: HTTP_REQUEST\n  name: call\n  requestMethod: GET\n  requestTarget: api\n'), code: 'LEGACY_HTTP_REQUEST_INVALID', line: 3, column: 5 },
  { name: 'V-082 DB_QUERY without queryText', files: withItems('- {type: DB_QUERY, name: q, queryTarget: db}\n'), code: 'LEGACY_DB_QUERY_INVALID', line: 3, column: 5 },
  { name: 'F-062 negative resource hint', files: withItems('- {type: WORKER, name: w, image: w, maxMemory: -512}\n'), code: 'RESOURCE_INVALID', line: 3, column: 39 },

  // ── Tests and steps (V-090..V-117, L-08) ──────────────────────────────────────────────────
  { name: 'L-08 object-form tests (v0.3.x)', files: { [D]: `${HEAD}tests:\n  checkout:\n    steps: []\n` }, code: 'TESTS_LEGACY_OBJECT', line: 4, column: 1 },
  { name: 'V-091 tests that is a string', files: { [D]: `${HEAD}tests: checkout\n` }, code: 'TESTS_NOT_ARRAY', line: 4, column: 1 },
  { name: 'V-092 test that is a string', files: withTests('- checkout\n'), code: 'TEST_NOT_OBJECT', line: 5, column: 5 },
  { name: 'V-093 test without name', files: withTests(`- steps:\n    - action: ${GET}\n`), code: 'TEST_NAME_MISSING', line: 5, column: 5 },
  { name: 'V-094 unknown test key (warning)', files: withTests(`- name: t1\n  retries: 3\n  steps:\n    - action: ${GET}\n`), code: 'TEST_UNKNOWN_KEY', severity: 'warning', line: 6, column: 5 },
  { name: 'V-095 definition variables that is a list', files: { [D]: `${HEAD}variables: [a, b]\n` }, code: 'VARIABLES_NOT_OBJECT', line: 4, column: 1 },
  { name: 'V-096 variable name with a hyphen', files: withTests(`- name: t1\n  variables:\n    order-id: 1\n  steps:\n    - action: ${GET}\n`), code: 'VARIABLE_KEY_INVALID', line: 7, column: 7 },
  { name: 'V-098 test steps that is a map', files: withTests(`- name: t1\n  steps:\n    first:\n      action: ${GET}\n`), code: 'TEST_STEPS_NOT_ARRAY', line: 6, column: 5 },
  {
    name: 'V-099 test repeat.until after a final wait (warning)',
    files: withTests(`- name: t1\n  repeat:\n    count: 3\n    as: attempt\n    until:\n      - {path: $.response.status, operator: eq, value: 200}\n    steps:\n      - action: ${GET}\n      - action: {type: wait, durationMs: 100}\n`),
    code: 'REPEAT_UNTIL_AFTER_WAIT', severity: 'warning', line: 9, column: 7,
  },
  {
    name: 'V-100 duplicate screenshot names in one test',
    files: { [D]: `${HEAD}tests:\n  - name: t1\n    steps:\n      - action: {type: ui, target: api, steps: [{screenshot: home}]}\n      - action:\n          type: ui\n          target: api\n          steps:\n            - screenshot: {name: home, selector: main}\n` },
    code: 'DUPLICATE_SCREENSHOT_NAME', line: 12, column: 15,
  },
  { name: 'V-101 step that is a string', files: withSteps('- GET api/orders\n'), code: 'STEP_NOT_OBJECT', line: 7, column: 9 },
  { name: 'V-102 unknown step key (warning)', files: withSteps(`- action: ${GET}\n  retry: 2\n`), code: 'STEP_UNKNOWN_KEY', severity: 'warning', line: 8, column: 9 },
  { name: 'V-103 step without action', files: withSteps('- name: nothing\n  extract: {id: $.response.body.id}\n'), code: 'STEP_ACTION_MISSING', line: 7, column: 9 },
  { name: 'V-104 action without type', files: withSteps('- action: {method: GET, url: api/x}\n'), code: 'ACTION_TYPE_MISSING', line: 7, column: 9 },
  { name: 'V-104 unknown action type', files: withSteps('- action:\n    type: grpc\n    url: api/x\n'), code: 'ACTION_TYPE_UNKNOWN', line: 8, column: 11 },
  { name: 'V-105 unknown action key (warning)', files: withSteps('- action:\n    type: httpRequest\n    method: GET\n    url: api/x\n    params: {a: 1}\n'), code: 'ACTION_UNKNOWN_KEY', severity: 'warning', line: 11, column: 11 },
  { name: 'V-106 unknown HTTP method', files: withSteps('- action: {type: httpRequest, method: FETCH, url: api/x}\n'), code: 'HTTP_METHOD_INVALID', line: 7, column: 37 },
  { name: 'V-107 httpRequest without url', files: withSteps('- action:\n    type: httpRequest\n    method: GET\n'), code: 'HTTP_URL_INVALID', line: 7, column: 9 },
  { name: 'V-108 url with a port (warning)', files: withSteps('- action: {type: httpRequest, method: GET, url: "api:3000/orders"}\n'), code: 'HTTP_URL_HAS_PORT', severity: 'warning', line: 7, column: 50 },
  { name: 'V-109 body and formData together', files: withSteps('- action:\n    type: httpRequest\n    method: POST\n    url: api/upload\n    body: {a: 1}\n    formData: {file: x}\n'), code: 'HTTP_BODY_AND_FORM', line: 12, column: 11 },
  { name: 'V-110 formData that is a string', files: withSteps('- action:\n    type: httpRequest\n    method: POST\n    url: api/upload\n    formData: file=x\n'), code: 'HTTP_FORM_INVALID', line: 11, column: 11 },
  { name: 'V-110 queryParams that is a list', files: withSteps('- action:\n    type: httpRequest\n    method: GET\n    url: api/x\n    queryParams: [a, b]\n'), code: 'HTTP_QUERY_INVALID', line: 11, column: 11 },
  { name: 'F-133 header value that is a number', files: withSteps('- action:\n    type: httpRequest\n    method: GET\n    url: api/x\n    headers:\n      X-Retry: 3\n'), code: 'HTTP_HEADERS_INVALID', line: 12, column: 13 },
  { name: 'F-137 timeout of 0 ms', files: withSteps('- action: {type: httpRequest, method: GET, url: api/x, timeout: 0}\n'), code: 'TIMEOUT_INVALID', line: 7, column: 62 },
  { name: 'V-111 dbQuery without database', files: withSteps("- action: {type: dbQuery, query: 'select 1'}\n"), code: 'DB_DATABASE_INVALID', line: 7, column: 9 },
  { name: 'V-111 dbQuery with a non-string query', files: withSteps('- action:\n    type: dbQuery\n    database: db\n    query: {find: users}\n'), code: 'DB_QUERY_INVALID', line: 10, column: 11 },
  { name: 'F-141 dbQuery params that is a list', files: withSteps("- action:\n    type: dbQuery\n    database: db\n    query: 'select $1'\n    params: [1]\n"), code: 'DB_PARAMS_INVALID', line: 11, column: 11 },
  { name: 'V-112 wait of 0 ms', files: withSteps('- action: {type: wait, durationMs: 0}\n'), code: 'WAIT_DURATION_INVALID', line: 7, column: 30 },
  { name: 'V-113 parallel without actions', files: withSteps('- action:\n    type: parallel\n'), code: 'PARALLEL_ACTIONS_INVALID', line: 7, column: 9 },
  { name: 'V-113 parallel with an empty actions list', files: withSteps('- action:\n    type: parallel\n    actions: []\n'), code: 'PARALLEL_ACTIONS_INVALID', line: 9, column: 11 },
  { name: 'V-114 parallel with two ui actions', files: withSteps('- action:\n    type: parallel\n    actions:\n      - {type: ui, target: api, steps: [{visit: /a}]}\n      - {type: ui, target: api, steps: [{visit: /b}]}\n'), code: 'PARALLEL_MULTIPLE_UI', line: 9, column: 11 },
  { name: 'F-148 nested parallel', files: withSteps(`- action:\n    type: parallel\n    actions:\n      - ${GET}\n      - type: parallel\n        actions: [${GET}]\n`), code: 'PARALLEL_NESTED', line: 11, column: 15 },
  { name: 'V-104 unknown action type inside parallel (F-148)', files: withSteps('- action:\n    type: parallel\n    actions:\n      - {type: grpc, url: api/x}\n'), code: 'ACTION_TYPE_UNKNOWN', line: 10, column: 16 },
  { name: 'V-106 bad method inside an action $ref fragment points at the fragment', files: { ...withSteps('- action: {$ref: ./get.yaml}\n'), '.dokkimi/get.yaml': 'action:\n  type: httpRequest\n  method: FETCH\n  url: api/x\n' }, code: 'HTTP_METHOD_INVALID', file: '.dokkimi/get.yaml', line: 3, column: 3 },
  { name: 'V-115 extract on a parallel step (warning)', files: withSteps(`- action: {type: parallel, actions: [${GET}]}\n  extract: {id: $.response.body.id}\n`), code: 'PARALLEL_EXTRACT', severity: 'warning', line: 8, column: 9 },
  { name: 'V-116 self assertions on a parallel step (warning)', files: withSteps(`- action: {type: parallel, actions: [${GET}]}\n  assertions:\n    - assertions: [{path: $.response.status, operator: eq, value: 200}]\n`), code: 'PARALLEL_SELF_ASSERTIONS', severity: 'warning', line: 9, column: 13 },
  { name: 'V-117 step assertions that is a map', files: withSteps(`- action: ${GET}\n  assertions:\n    status: 200\n`), code: 'ASSERTIONS_NOT_ARRAY', line: 8, column: 9 },
  { name: 'V-117 assertion block that is a string', files: withBlocks('- status is 200\n'), code: 'ASSERTION_BLOCK_NOT_OBJECT', line: 9, column: 13 },
  { name: 'V-174 assertion that is a string', files: withBlocks('- assertions: [status is 200]\n'), code: 'ASSERTION_NOT_OBJECT', line: 9, column: 26 },
  { name: 'F-125 stopOnFailure that is a string', files: withSteps(`- action: ${GET}\n  stopOnFailure: 'no'\n`), code: 'STOP_ON_FAILURE_INVALID', line: 8, column: 9 },
  { name: 'F-125 step name that is a number', files: withSteps(`- name: 42\n  action: ${GET}\n`), code: 'STEP_NAME_INVALID', line: 7, column: 9 },
  { name: 'F-122 negative test timeoutSeconds', files: withTests(`- name: t1\n  timeoutSeconds: -1\n  steps: [{action: ${GET}}]\n`), code: 'TEST_TIMEOUT_INVALID', line: 6, column: 5 },

  // ── UI actions (V-130..V-146) ─────────────────────────────────────────────────────────────
  { name: 'V-130 ui without target', files: withSteps('- action: {type: ui, steps: [{visit: /}]}\n'), code: 'UI_TARGET_INVALID', line: 7, column: 9 },
  { name: 'V-131 ui steps that is a string', files: withSteps('- action: {type: ui, target: api, steps: visit}\n'), code: 'UI_STEPS_INVALID', line: 7, column: 41 },
  { name: 'V-131 ui with no sub-steps (warning)', files: withSteps('- action: {type: ui, target: api, steps: []}\n'), code: 'UI_STEPS_EMPTY', severity: 'warning', line: 7, column: 41 },
  { name: 'V-132 sub-step that is a string', files: withUi('- visit: /\n- click\n'), code: 'UI_SUBSTEP_NOT_OBJECT', line: 12, column: 15 },
  { name: 'V-133 loop group that also has a kind', files: withUi("- forEach: {items: [a, b], as: tab}\n  click: '#tab'\n  steps: [{click: '#x'}]\n"), code: 'UI_GROUP_INVALID', line: 12, column: 15 },
  { name: 'V-133 loop group whose steps is not a list', files: withUi("- repeat: {count: 2, as: r}\n  steps: '#next'\n"), code: 'UI_GROUP_INVALID', line: 12, column: 15 },
  { name: 'V-133 sub-step with steps but no loop', files: withUi("- click: '#open'\n  steps: [{click: '#x'}]\n"), code: 'UI_GROUP_INVALID', line: 12, column: 15 },
  { name: 'V-134 sub-step without a kind', files: withUi('- timeoutMs: 500\n'), code: 'UI_SUBSTEP_KIND_MISSING', line: 11, column: 15 },
  { name: 'V-134 sub-step with two kinds', files: withUi("- visit: /login\n  click: '#submit'\n"), code: 'UI_SUBSTEP_KIND_MULTIPLE', line: 12, column: 15 },
  { name: 'V-134 unknown sub-step key (warning)', files: withUi("- click: '#submit'\n  force: true\n"), code: 'UI_SUBSTEP_UNKNOWN_KEY', severity: 'warning', line: 12, column: 15 },
  { name: 'V-135 timeoutMs of 0', files: withUi("- click: '#submit'\n  timeoutMs: 0\n"), code: 'UI_TIMEOUT_INVALID', line: 12, column: 15 },
  { name: 'V-136 empty click selector', files: withUi("- click: ''\n"), code: 'UI_SELECTOR_INVALID', line: 11, column: 15 },
  { name: 'V-136 bad sub-step inside a UI $ref fragment points at the fragment', files: { ...withUi('- $ref: ./login.yaml\n'), '.dokkimi/login.yaml': "steps:\n  - visit: /login\n  - click: ''\n" }, code: 'UI_SELECTOR_INVALID', file: '.dokkimi/login.yaml', line: 3, column: 5 },
  { name: 'V-137 type without selector', files: withUi('- type: {text: hello}\n'), code: 'UI_TYPE_INVALID', line: 11, column: 15 },
  { name: 'V-138 empty waitFor', files: withUi("- waitFor: ''\n"), code: 'UI_WAITFOR_INVALID', line: 11, column: 15 },
  { name: 'V-139 screenshot name with a space', files: withUi("- screenshot: 'home page'\n"), code: 'UI_SCREENSHOT_INVALID', line: 11, column: 15 },
  { name: 'V-139 screenshot threshold above 1', files: withUi('- screenshot:\n    name: home\n    match: {threshold: 2}\n'), code: 'UI_SCREENSHOT_INVALID', line: 13, column: 25 },
  { name: 'V-140 scroll with nothing to scroll to', files: withUi('- scroll: {}\n'), code: 'UI_SCROLL_INVALID', line: 11, column: 15 },
  { name: 'V-140 scroll with a fractional y', files: withUi('- scroll: {y: 1.5}\n'), code: 'UI_SCROLL_INVALID', line: 11, column: 15 },
  { name: 'V-141 select without value', files: withUi('- select: {selector: "#country"}\n'), code: 'UI_SELECT_INVALID', line: 11, column: 15 },
  { name: 'V-142 empty key', files: withUi("- key: ''\n"), code: 'UI_KEY_INVALID', line: 11, column: 15 },
  { name: 'V-143 upload without files', files: withUi('- upload: {selector: "#file", files: []}\n'), code: 'UI_UPLOAD_INVALID', line: 11, column: 43 },
  { name: 'V-144 drag without to', files: withUi('- drag: {from: "#a"}\n'), code: 'UI_DRAG_INVALID', line: 11, column: 15 },
  { name: 'V-145 viewport of width 0', files: withUi('- viewport: {width: 0, height: 800}\n'), code: 'UI_VIEWPORT_INVALID', line: 11, column: 26 },
  { name: 'V-146 UI extract from an unknown source', files: withUi('- extract:\n    title: {from: innerHTML, selector: h1}\n'), code: 'UI_EXTRACT_INVALID', line: 12, column: 25 },
  { name: 'V-146 UI extract text without selector', files: withUi('- extract:\n    title: {from: text}\n'), code: 'UI_EXTRACT_INVALID', line: 12, column: 17 },
  { name: 'V-146 UI extract variable name with a hyphen', files: withUi('- extract:\n    page-title: {from: text, selector: h1}\n'), code: 'UI_EXTRACT_INVALID', line: 12, column: 17 },
  { name: 'V-146 UI extract with no variables (warning)', files: withUi('- extract: {}\n'), code: 'UI_EXTRACT_EMPTY', severity: 'warning', line: 11, column: 15 },
  { name: 'V-146 UI extract group without pattern (warning)', files: withUi('- extract:\n    total: {from: text, selector: .total, group: 1}\n'), code: 'UI_EXTRACT_GROUP_WITHOUT_PATTERN', severity: 'warning', line: 12, column: 55 },

  // ── Assertion blocks, match, extract, assertions (V-160..V-178, L-04..L-06) ───────────────
  { name: 'V-160 unknown block key (warning)', files: withBlocks('- assertions: [{path: $.response.status, operator: eq, value: 200}]\n  when: always\n'), code: 'BLOCK_UNKNOWN_KEY', severity: 'warning', line: 10, column: 13 },
  { name: 'L-04 v0.3.x assertionScope in a block', files: withBlocks("- match: {path: $.traffic, where: [{path: $$.request.url, operator: contains, value: stripe}]}\n  assertionScope: all\n  assertions: [{path: $.match.response.status, operator: eq, value: 200}]\n"), code: 'LEGACY_BLOCK', line: 10, column: 13 },
  { name: 'L-04 v0.3.x count next to match', files: withBlocks("- match: {path: $.traffic}\n  count: {operator: eq, value: 1}\n"), code: 'LEGACY_BLOCK', line: 10, column: 13 },
  { name: 'L-05 v0.3.x consoleAssertions', rule: 'L-04', files: withBlocks('- service: api\n  consoleAssertions: [{level: error, count: 0}]\n'), code: 'LEGACY_BLOCK', line: 10, column: 13 },
  { name: 'V-161 match that is a string', files: withBlocks('- match: $.traffic\n'), code: 'MATCH_INVALID', line: 9, column: 13 },
  { name: 'V-161 unknown match key (warning)', files: withBlocks('- match: {path: $.traffic, limit: 1}\n'), code: 'MATCH_UNKNOWN_KEY', severity: 'warning', line: 9, column: 38 },
  { name: 'V-162 match without path', files: withBlocks('- match: {count: 1}\n'), code: 'MATCH_PATH_INVALID', line: 9, column: 13 },
  { name: 'V-162 match path without $.', files: withBlocks('- match: {path: traffic}\n'), code: 'MATCH_PATH_INVALID', line: 9, column: 21 },
  { name: 'V-163 empty where', files: withBlocks('- match: {path: $.traffic, where: []}\n'), code: 'WHERE_INVALID', line: 9, column: 38 },
  { name: 'V-164 where entry with path and or', files: withBlocks('- match:\n    path: $.traffic\n    where:\n      - path: $$.request.method\n        operator: eq\n        value: GET\n        or: [{path: $$.origin, operator: eq, value: api}]\n'), code: 'WHERE_ENTRY_INVALID', line: 12, column: 19 },
  { name: 'V-164 where entry that is a string', files: withBlocks('- match:\n    path: $.traffic\n    where:\n      - $$.request.method == GET\n'), code: 'WHERE_ENTRY_INVALID', line: 12, column: 19 },
  { name: 'V-165 where path without $$.', files: withBlocks('- match:\n    path: $.traffic\n    where:\n      - {path: request.url, operator: contains, value: stripe}\n'), code: 'WHERE_PATH_INVALID', line: 12, column: 20 },
  { name: 'V-165 where path with $. instead of $$.', files: withBlocks('- match:\n    path: $.traffic\n    where:\n      - {path: $.request.url, operator: contains, value: stripe}\n'), code: 'WHERE_PATH_INVALID', line: 12, column: 20 },
  { name: 'V-178 where entry without operator (V-165)', files: withBlocks('- match:\n    path: $.traffic\n    where:\n      - {path: $$.request.url, value: stripe}\n'), code: 'OPERATOR_MISSING', line: 12, column: 19 },
  { name: 'V-166 empty or', files: withBlocks('- match:\n    path: $.traffic\n    where:\n      - or: []\n'), code: 'WHERE_COMBINATOR_INVALID', line: 12, column: 19 },
  { name: 'V-167 negative count', files: withBlocks('- match: {path: $.traffic, count: -1}\n'), code: 'COUNT_INVALID', line: 9, column: 38 },
  { name: 'V-167 count with operator ne', files: withBlocks('- match:\n    path: $.traffic\n    count: {operator: ne, value: 1}\n'), code: 'COUNT_INVALID', line: 11, column: 15 },
  { name: 'V-168 match as with a hyphen', files: withBlocks('- match: {path: $.traffic, as: stripe-calls}\n'), code: 'MATCH_AS_INVALID', line: 9, column: 38 },
  { name: 'V-169 step extract that is a list', files: withSteps(`- action: ${GET}\n  extract: [$.response.body.id]\n`), code: 'EXTRACT_INVALID', line: 8, column: 9 },
  { name: 'V-169 extract rule that is a number', files: withSteps(`- action: ${GET}\n  extract:\n    id: 42\n`), code: 'EXTRACT_INVALID', line: 9, column: 11 },
  { name: 'V-176 extract path without $. (V-170)', files: withSteps(`- action: ${GET}\n  extract:\n    id: body.id\n`), code: 'PATH_INVALID', line: 9, column: 11 },
  { name: 'V-171 transform extract with a pattern', files: withSteps(`- action: ${GET}\n  extract:\n    names: {path: $.response.body, transform: keys, pattern: a}\n`), code: 'EXTRACT_TRANSFORM_INVALID', line: 9, column: 59 },
  { name: 'V-172 regex extract with an invalid pattern', files: withSteps(`- action: ${GET}\n  extract:\n    id: {path: $.response.headers.location, pattern: '/orders/(\\d+'}\n`), code: 'EXTRACT_REGEX_INVALID', line: 9, column: 51 },
  { name: 'V-173 unknown assertion key (warning)', files: withAssertions('- {path: $.response.status, operator: eq, value: 200, message: ok}\n'), code: 'ASSERTION_UNKNOWN_KEY', severity: 'warning', line: 10, column: 69 },
  { name: 'V-174 assertion without a source', files: withAssertions('- {operator: eq, value: 200}\n'), code: 'ASSERTION_SOURCE_MISSING', line: 10, column: 17 },
  { name: 'V-174 assertion with two sources', files: withAssertions('- path: $.response.body.items\n  count: $.response.body.items\n  operator: gt\n  value: 0\n'), code: 'ASSERTION_SOURCE_MULTIPLE', line: 11, column: 17 },
  { name: 'V-175 path object with an unknown transform', files: withAssertions('- path: {from: $.response.body, transform: size}\n  operator: eq\n  value: 2\n'), code: 'ASSERTION_PATH_OBJECT_INVALID', line: 10, column: 17 },
  { name: 'V-176 legacy $.body path', files: withAssertions('- {path: $.body.id, operator: exists}\n'), code: 'PATH_LEGACY', line: 10, column: 18 },
  { name: 'V-176 legacy $.statusCode path', files: withAssertions('- path: $.statusCode\n  operator: eq\n  value: 200\n'), code: 'PATH_LEGACY', line: 10, column: 17 },
  { name: 'V-176 legacy $.extracted path', files: withAssertions('- {path: $.extracted.title, operator: eq, value: Home}\n'), code: 'PATH_LEGACY', line: 10, column: 18 },
  { name: 'V-176 L-01 unprefixed response.body path', files: withAssertions('- path: response.body.id\n  operator: exists\n'), code: 'PATH_INVALID', line: 10, column: 17 },
  { name: 'V-176 $$ outside where', files: withAssertions('- {path: $$.request.url, operator: contains, value: x}\n'), code: 'PATH_DOLLAR_DOLLAR_OUTSIDE_WHERE', line: 10, column: 18 },
  { name: 'V-176 malformed path', files: withAssertions('- {path: $.response..body, operator: exists}\n'), code: 'PATH_MALFORMED', line: 10, column: 18 },
  { name: 'V-176 legacy path in a shorthand source', files: withAssertions('- {count: $.body.items, operator: eq, value: 2}\n'), code: 'PATH_LEGACY', line: 10, column: 18 },
  { name: 'V-176 legacy path in repeat.until', files: withSteps(`- repeat:\n    count: 3\n    as: attempt\n    action: ${GET}\n    until:\n      - {path: $.statusCode, operator: eq, value: 200}\n`), code: 'PATH_LEGACY', line: 12, column: 16 },
  { name: 'V-177 shorthand source that is a number', files: withAssertions('- {count: 3, operator: eq, value: 3}\n'), code: 'SOURCE_NOT_STRING', line: 10, column: 18 },
  { name: 'V-178 assertion without operator', files: withAssertions('- {path: $.response.status, value: 200}\n'), code: 'OPERATOR_MISSING', line: 10, column: 17 },
  { name: 'V-178 unknown operator', files: withAssertions('- path: $.response.status\n  operator: equals\n  value: 200\n'), code: 'OPERATOR_UNKNOWN', line: 11, column: 17 },
  { name: 'V-178 unknown operator in a where entry', files: withBlocks('- match:\n    path: $.traffic\n    where:\n      - {path: $$.request.url, operator: like, value: stripe}\n'), code: 'OPERATOR_UNKNOWN', line: 12, column: 42 },
  { name: 'L-06 legacy operator arrayContains', files: withAssertions('- {path: $.response.body.tags, operator: arrayContains, value: new}\n'), code: 'LEGACY_OPERATOR', line: 10, column: 46 },
  { name: 'L-06 legacy operator length', files: withAssertions('- path: $.response.body.items\n  operator: length\n  value: 2\n'), code: 'LEGACY_OPERATOR', line: 11, column: 17 },
  { name: 'F-278 eq without value', files: withAssertions('- {path: $.response.status, operator: eq}\n'), code: 'OPERATOR_VALUE_MISSING', line: 10, column: 43 },
  { name: 'F-275 in with a non-array value', files: withAssertions('- path: $.response.status\n  operator: in\n  value: 200\n'), code: 'OPERATOR_VALUE_NOT_ARRAY', line: 12, column: 17 },
  { name: 'F-273 matches with an invalid regex', files: withAssertions("- path: $.response.body.id\n  operator: matches\n  value: '^[a-z+'\n"), code: 'OPERATOR_REGEX_INVALID', line: 12, column: 17 },

  // ── Loops (V-190..V-200) ──────────────────────────────────────────────────────────────────
  { name: 'V-190 forEach and for on one step', files: withSteps(`- forEach: {items: [1, 2], as: n, action: ${GET}}\n  for: {from: 1, to: 2, as: i, action: ${GET}}\n`), code: 'LOOP_MULTIPLE', line: 8, column: 9 },
  { name: 'V-191 forEach without items', files: withSteps(`- forEach:\n    as: n\n    action: ${GET}\n`), code: 'LOOP_FOREACH_INVALID', line: 7, column: 9 },
  { name: 'V-191 forEach items that is a number', files: withSteps(`- forEach:\n    items: 3\n    as: n\n    action: ${GET}\n`), code: 'LOOP_FOREACH_INVALID', line: 8, column: 11 },
  { name: 'V-191 forEach $.path items on a step', files: withSteps(`- forEach:\n    items: $.response.body.items\n    as: item\n    action: ${GET}\n`), code: 'LOOP_FOREACH_PATH_ITEMS', line: 8, column: 11 },
  { name: 'V-191 forEach items that is a plain string', files: withSteps(`- forEach:\n    items: orders\n    as: item\n    action: ${GET}\n`), code: 'LOOP_FOREACH_INVALID', line: 8, column: 11 },
  { name: 'V-192 for that never ends', files: withSteps(`- for:\n    from: 5\n    to: 1\n    as: i\n    action: ${GET}\n`), code: 'LOOP_FOR_INVALID', line: 7, column: 9 },
  { name: 'V-192 for with step 0', files: withSteps(`- for:\n    from: 1\n    to: 5\n    step: 0\n    as: i\n    action: ${GET}\n`), code: 'LOOP_FOR_INVALID', line: 10, column: 11 },
  { name: 'V-192 for with too many iterations', files: withSteps(`- for:\n    from: 0\n    to: 10000\n    as: i\n    action: ${GET}\n`), code: 'LOOP_FOR_INVALID', line: 7, column: 9 },
  { name: 'V-192 for with a fractional from', files: withSteps(`- for: {from: 1.5, to: 3, as: i, action: ${GET}}\n`), code: 'LOOP_FOR_INVALID', line: 7, column: 15 },
  { name: 'V-193 repeat count of 0', files: withSteps(`- repeat:\n    count: 0\n    as: attempt\n    action: ${GET}\n`), code: 'LOOP_REPEAT_INVALID', line: 8, column: 11 },
  { name: 'V-193 repeat until that is a map', files: withSteps(`- repeat:\n    count: 3\n    as: attempt\n    action: ${GET}\n    until: {path: $.response.status, operator: eq, value: 200}\n`), code: 'LOOP_REPEAT_INVALID', line: 11, column: 11 },
  { name: 'V-194 loop without as', files: withSteps(`- forEach:\n    items: [1, 2]\n    action: ${GET}\n`), code: 'LOOP_AS_INVALID', line: 7, column: 9 },
  { name: 'V-194 loop as with a hyphen', files: withSteps(`- forEach:\n    items: [1, 2]\n    as: order-id\n    action: ${GET}\n`), code: 'LOOP_AS_INVALID', line: 9, column: 11 },
  { name: 'V-195 loop name with a space', files: withSteps(`- repeat:\n    count: 2\n    as: n\n    name: poll orders\n    action: ${GET}\n`), code: 'LOOP_NAME_INVALID', line: 10, column: 11 },
  { name: 'V-196 delayMs above 60000', files: withSteps(`- repeat:\n    count: 2\n    as: n\n    delayMs: 120000\n    action: ${GET}\n`), code: 'LOOP_DELAY_INVALID', line: 10, column: 11 },
  { name: 'V-197 steps inside a step-level loop', files: withSteps(`- forEach:\n    items: [1, 2]\n    as: n\n    steps: [{action: ${GET}}]\n`), code: 'LOOP_BODY_KEY_INVALID', line: 10, column: 11 },
  { name: 'V-197 action inside a test-level loop', files: withTests(`- name: t1\n  forEach:\n    items: [1, 2]\n    as: n\n    action: ${GET}\n`), code: 'LOOP_BODY_KEY_INVALID', line: 9, column: 7 },
  { name: 'V-198 loop nested in an assertion-block loop', files: withBlocks('- forEach:\n    items: $.response.body.items\n    as: item\n    repeat: {count: 2, as: r}\n'), code: 'LOOP_NESTED_IN_BLOCK', line: 12, column: 15 },
  { name: 'V-199 assertions next to a step-level loop', files: withSteps(`- forEach:\n    items: [1, 2]\n    as: n\n    action: ${GET}\n  assertions:\n    - assertions: [{path: $.response.status, operator: eq, value: 200}]\n`), code: 'LOOP_SIBLING_MISUSE', line: 11, column: 9 },
  { name: 'V-199 steps next to a test-level loop', files: withTests(`- name: t1\n  repeat: {count: 2, as: r, steps: [{action: ${GET}}]}\n  steps:\n    - action: ${GET}\n`), code: 'LOOP_SIBLING_MISUSE', line: 7, column: 5 },
  { name: 'V-199 assertions next to an assertion-block loop', files: withBlocks('- forEach:\n    items: $.response.body.items\n    as: item\n    assertions: [{path: $.variables.item.id, operator: exists}]\n  assertions: [{path: $.response.status, operator: eq, value: 200}]\n'), code: 'LOOP_SIBLING_MISUSE', line: 13, column: 13 },
  { name: 'V-200 unknown loop key (warning)', files: withSteps(`- repeat:\n    count: 2\n    as: n\n    parallel: true\n    action: ${GET}\n`), code: 'LOOP_UNKNOWN_KEY', severity: 'warning', line: 10, column: 11 },

  // ── Seed format (S-04, S-06) ──────────────────────────────────────────────────────────────
  {
    name: 'S-04 seed block with an unknown target',
    files: { [D]: `${HEAD}steps:\n  - action: {type: http, method: GET, url: api/x}\n    assertions:\n      - target: console\n        assertions: [{type: response.statusCode, operator: eq, value: 200}]\n` },
    code: 'SEED_TARGET_UNKNOWN', line: 7, column: 9,
  },
  {
    name: 'S-06 seed assertion with an unknown type',
    files: { [D]: `${HEAD}steps:\n  - action: {type: http, method: GET, url: api/x}\n    assertions:\n      - target: self\n        assertions:\n          - type: response.cookies\n            operator: exists\n` },
    code: 'SEED_ASSERTION_TYPE_UNKNOWN', line: 9, column: 13,
  },
]

const rel = (root: string, file: string) => relative(root, file).split('\\').join('/')
const describeIssue = (root: string, i: Issue) => `${i.code} ${rel(root, i.file)}:${i.line}:${i.column} ${i.path} — ${i.message}`

function run(c: Case): { root: string; result: LoadResult } {
  const root = testdir(c.files)
  const result = c.target === undefined ? loadDefinitions(undefined, { cwd: root }) : loadDefinitions(c.target, { cwd: root })
  return { root, result }
}

describe('invalid inputs: every rule reports its code at the right place', () => {
  it('has at least 100 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100)
  })

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { root, result } = run(c)
    const severity = c.severity ?? 'error'
    const all = [...result.errors, ...result.warnings]
    const found = all.filter((i) => i.code === c.code)
    const seen = all.map((i) => describeIssue(root, i)).join('\n')
    expect(found.length, `no ${c.code} among:\n${seen}`).toBeGreaterThan(0)
    const want = { code: c.code, severity, file: c.file ?? D, line: c.line, ...(c.column === undefined ? {} : { column: c.column }) }
    const got = found.map((i) => ({ code: i.code, severity: i.severity, file: rel(root, i.file), line: i.line, ...(c.column === undefined ? {} : { column: i.column }) }))
    expect(got, seen).toContainEqual(want)
    // Every issue names its rule and is in the list that matches its severity.
    for (const i of result.errors) expect(i.severity).toBe('error')
    for (const i of result.warnings) expect(i.severity).toBe('warning')
    // The issue carries the rule the case cites (or the one given explicitly).
    expect(found.map((i) => i.rule)).toContain(c.rule ?? /^[VFSL]-\d+/.exec(c.name)![0])
    const valid = c.valid ?? (severity === 'error' ? [] : ['t'])
    expect(result.definitions.map((d) => d.name), seen).toEqual(valid)
  })
})

/** Message and hint of the first issue with `code`, with the temp root replaced by `<root>`. */
function pinned(files: Record<string, string>, code: IssueCode) {
  const root = testdir(files)
  const result = loadDefinitions(undefined, { cwd: root })
  const issue = [...result.errors, ...result.warnings].find((i) => i.code === code)
  expect(issue, `no ${code}`).toBeDefined()
  const clean = (s: string | undefined) => s?.split(root).join('<root>')
  return { at: `${rel(root, issue!.file)}:${issue!.line}:${issue!.column}`, path: issue!.path, rule: issue!.rule, message: clean(issue!.message), hint: clean(issue!.hint) }
}

describe('complete messages', () => {
  it('REF_NOT_FOUND', () => {
    expect(pinned(withItems(`- ${SERVICE}\n- $ref: ../shared/postgres.yaml\n`), 'REF_NOT_FOUND')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:4:5",
        "hint": "Paths are relative to the file that contains the $ref.",
        "message": "$ref "../shared/postgres.yaml" not found (resolved to <root>/shared/postgres.yaml)",
        "path": "items[1].$ref",
        "rule": "V-038",
      }
    `)
  })

  it('REF_CIRCULAR', () => {
    const files = { ...withItems('- $ref: ./shared/one.yaml\n'), '.dokkimi/shared/one.yaml': '$ref: ./two.yaml\n', '.dokkimi/shared/two.yaml': '$ref: ./one.yaml\n' }
    expect(pinned(files, 'REF_CIRCULAR')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/shared/two.yaml:1:1",
        "hint": "Chain: a.yaml → shared/one.yaml → shared/two.yaml → shared/one.yaml",
        "message": "circular $ref detected — "./one.yaml" already in resolution chain",
        "path": "items[0].$ref",
        "rule": "V-037",
      }
    `)
  })

  it('PATH_LEGACY', () => {
    expect(pinned(withAssertions('- {path: $.body.order.id, operator: exists}\n'), 'PATH_LEGACY')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:10:18",
        "hint": "Did you mean "$.response.body.order.id"?",
        "message": "legacy path "$.body.order.id"",
        "path": "tests[0].steps[0].assertions[0].assertions[0].path",
        "rule": "V-176",
      }
    `)
  })

  it('PATH_INVALID for an unprefixed v0.3.x path', () => {
    expect(pinned(withAssertions('- {path: response.header.content-type, operator: contains, value: json}\n'), 'PATH_INVALID')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:10:18",
        "hint": "Did you mean "$.response.headers.content-type"?",
        "message": "path "response.header.content-type" must start with "$."",
        "path": "tests[0].steps[0].assertions[0].assertions[0].path",
        "rule": "V-176",
      }
    `)
  })

  it('OPERATOR_UNKNOWN', () => {
    expect(pinned(withAssertions('- {path: $.response.status, operator: equals, value: 200}\n'), 'OPERATOR_UNKNOWN')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:10:43",
        "hint": "One of eq, ne, gt, gte, lt, lte, contains, notContains, eqIgnoreCase, containsIgnoreCase, notContainsIgnoreCase, matches, exists, notExists, in, notIn, isEmpty, notEmpty.",
        "message": "unknown operator "equals"",
        "path": "tests[0].steps[0].assertions[0].assertions[0].operator",
        "rule": "V-178",
      }
    `)
  })

  it('LEGACY_OPERATOR', () => {
    expect(pinned(withAssertions('- {path: $.response.body.tags, operator: arrayContains, value: new}\n'), 'LEGACY_OPERATOR')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:10:46",
        "hint": "Use \`contains\` (it tests array membership).",
        "message": "operator "arrayContains" was removed",
        "path": "tests[0].steps[0].assertions[0].assertions[0].operator",
        "rule": "L-06",
      }
    `)
  })

  it('ITEM_NAME_INVALID', () => {
    expect(pinned(withItems('- {type: WORKER, name: Order_Worker, image: w}\n'), 'ITEM_NAME_INVALID')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:3:20",
        "hint": "Use lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. "order-service").",
        "message": "item name "Order_Worker" is not a lowercase DNS label",
        "path": "items[0].name",
        "rule": "V-053",
      }
    `)
  })

  it('LEGACY_BLOCK for assertionScope', () => {
    expect(pinned(withBlocks('- match: {path: $.traffic}\n  assertionScope: last\n'), 'LEGACY_BLOCK')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:10:13",
        "hint": "Use $.match (first), $.lastMatch (last), or a forEach over $.matches (all) in a match block.",
        "message": "v0.3.x assertion block property "assertionScope"",
        "path": "tests[0].steps[0].assertions[0].assertionScope",
        "rule": "L-04",
      }
    `)
  })

  it('LOOP_FOR_INVALID for a loop that never ends', () => {
    expect(pinned(withSteps(`- for: {from: 5, to: 1, as: i, action: ${GET}}\n`), 'LOOP_FOR_INVALID')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:7:9",
        "hint": "Counting down needs a negative step.",
        "message": "for from 5 to 1 never ends with step 1",
        "path": "tests[0].steps[0].for.step",
        "rule": "V-192",
      }
    `)
  })

  it('CONFIG_FILE_UNKNOWN_KEY in config.yaml names the keys config.yaml allows', () => {
    expect(pinned({ '.dokkimi/config.yaml': 'environ: {B: 2}\n', [D]: HEAD }, 'CONFIG_FILE_UNKNOWN_KEY')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/config.yaml:1:1",
        "hint": "config.yaml allows: dokkimi, env, images.",
        "message": "config.yaml: unknown property "environ"",
        "path": "environ",
        "rule": "F-006",
      }
    `)
  })

  it('UI_EXTRACT_INVALID for a variable name', () => {
    expect(pinned(withUi('- extract:\n    page-title: {from: text, selector: h1}\n'), 'UI_EXTRACT_INVALID')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:12:17",
        "hint": "Each variable is {from: text|attribute|value|url|cookie|localStorage|sessionStorage|count|exists, selector?, name?, key?, part?, pattern?, group?}.",
        "message": "UI extract variable name "page-title" must match ^\\w+$",
        "path": "tests[0].steps[0].action.steps[0].extract.page-title",
        "rule": "V-146",
      }
    `)
  })

  it('PARALLEL_NESTED', () => {
    expect(pinned(withSteps(`- action:\n    type: parallel\n    actions:\n      - type: parallel\n        actions: [${GET}]\n`), 'PARALLEL_NESTED')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:10:15",
        "hint": undefined,
        "message": "parallel actions cannot be nested",
        "path": "tests[0].steps[0].action.actions[0].type",
        "rule": "F-148",
      }
    `)
  })

  it('OPERATOR_VALUE_NOT_ARRAY names the operator', () => {
    expect(pinned(withAssertions('- {path: $.response.status, operator: notIn, value: 500}\n'), 'OPERATOR_VALUE_NOT_ARRAY')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:10:60",
        "hint": undefined,
        "message": "operator "notIn" needs an array "value"",
        "path": "tests[0].steps[0].assertions[0].assertions[0].value",
        "rule": "F-275",
      }
    `)
  })

  it('PARSE_ERROR for a duplicate YAML key', () => {
    expect(pinned({ [D]: `name: t\nitems:\n  - ${SERVICE}\nname: u\n` }, 'PARSE_ERROR')).toMatchInlineSnapshot(`
      {
        "at": ".dokkimi/a.yaml:4:1",
        "hint": undefined,
        "message": "parse error: Map keys must be unique",
        "path": "",
        "rule": "V-009",
      }
    `)
  })
})
