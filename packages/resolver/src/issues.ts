/** How bad an issue is: errors make a definition invalid, warnings are reported only. */
export type Severity = 'error' | 'warning'

/** One finding of the resolver, with the place in the user's file it is about. */
export interface Issue {
  /** Stable machine code, e.g. `REF_NOT_FOUND`. */
  code: IssueCode
  /** The rule of the feature inventory it enforces, e.g. `V-038` (FEATURES.md §3). */
  rule: string
  severity: Severity
  message: string
  /** Absolute path of the file the issue is in. */
  file: string
  /** 1-based line, 0 when the issue concerns the whole file. */
  line: number
  /** 1-based column, 0 when unknown. */
  column: number
  /** Dotted path inside the definition (`tests[0].steps[1].action.method`), '' for the file. */
  path: string
  hint?: string
  /** Name of the definition the issue was found while resolving, when known. */
  definition?: string
}

interface Rule {
  rule: string
  severity: Severity
  /** Message used when the issue comes from schema validation; gets the offending value. */
  message: (value: unknown, key: string) => string
  hint?: string
}

const e = (rule: string, message: Rule['message'], hint?: string): Rule => ({ rule, severity: 'error', message, hint })
const w = (rule: string, message: Rule['message'], hint?: string): Rule => ({ rule, severity: 'warning', message, hint })

/** Quotes a user value for a message, cut to a readable length. */
export function show(value: unknown): string {
  let s: string
  if (value === undefined) s = 'nothing'
  else if (typeof value === 'string') s = JSON.stringify(value)
  else {
    try {
      s = JSON.stringify(value) ?? String(value)
    } catch {
      s = String(value)
    }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}

const got = (v: unknown) => (v === undefined ? 'it is missing' : `got ${show(v)}`)

/** Every issue code, with its rule and default message (STYLE.md rule 13: a closed union). */
export const RULES = {
  // Discovery, parsing, config (V-001..V-017)
  CONFIG_PARSE_ERROR: e('V-001', () => 'failed to parse config'),
  CONFIG_NOT_OBJECT: e('V-002', (v) => `config must be a YAML/JSON object, ${got(v)}`),
  CONFIG_VERSION_INVALID: e('V-003', (v) => `"dokkimi" must be a version string such as "0.1.0", ${got(v)}`),
  CONFIG_ENV_NOT_OBJECT: e('V-004', (v) => `"env" must be a flat map of names to values, ${got(v)}`, 'Write env as `env:\\n  KEY: value`.'),
  CONFIG_ENV_KEY_INVALID: e('V-005', (_v, k) => `env key ${show(k)} must be alphanumeric (letters, digits, underscores)`),
  CONFIG_ENV_VALUE_INVALID: e('V-006', (v, k) => `env value of ${show(k)} must be a string or number, ${got(v)}`),
  CONFIG_FILE_UNKNOWN_KEY: w('F-006', (_v, k) => `config.yaml: unknown property ${show(k)}`, 'config.yaml allows: dokkimi, env, images.'),
  CONFIG_VERSION_NEWER: w('F-007', (v) => `this project pins dokkimi ${show(v)}, newer than the installed version`, 'Upgrade @dokkimi/cli.'),
  PROJECT_NOT_FOUND: e('V-007', () => '.dokkimi/ not found', 'Run `dokkimi init` to create one, or pass the folder to use.'),
  TARGET_NOT_FOUND: e('V-008', () => 'file not found'),
  TARGET_NOT_DEFINITION: e('V-008', () => 'not a definition file (.json, .yml, .yaml)'),
  PARSE_ERROR: e('V-009', () => 'parse error'),
  DUPLICATE_DEFINITION_NAME: e('V-010', (v) => `duplicate definition name ${show(v)}`, 'Definition names must be unique across the project: rename one of them.'),
  INIT_FILE_OUTSIDE_PROJECT: e('V-011', (v) => `init file path ${show(v)} resolves outside the project directory`),
  INIT_FILE_NOT_FOUND: e('V-012', (v) => `init file not found: ${show(v)}`),
  MOUNT_FILE_OUTSIDE_PROJECT: e('V-013', (v) => `mount file source ${show(v)} resolves outside the project directory`),
  MOUNT_FILE_NOT_FOUND: e('V-014', (v) => `mount file not found: ${show(v)}`),
  ITEM_VARIABLE_UNRESOLVED: e('V-015', () => 'unresolved variables in items', "Define these in the definition's variables or config.yaml env."),
  ITEM_VARIABLE_INVALID: e('V-016', () => 'invalid variable references in items', 'Only simple {{key}} references are supported in item fields.'),
  CONFIG_REFERENCE_UNRESOLVED: e('V-017', () => 'unresolved config references', 'Add these keys to env in .dokkimi/config.yaml.'),
  RUNTIME_VARIABLE_SYNTAX: w('F-025', (v) => `${show(v)} looks like a variable reference but is not one`, 'References are {{name}}, {{name.field}} or {{name[0].field}}, without spaces.'),

  // Definition and config block (V-020..V-031)
  DEFINITION_UNKNOWN_KEY: w('V-020', (_v, k) => `definition: unknown property ${show(k)}`, 'Allowed: name, description, items, tests, config, variables.'),
  DEFINITION_NAME_INVALID: e('V-021', (v) => `definition "name" must be a non-empty string, ${got(v)}`),
  DEFINITION_NAME_TOO_LONG: e('V-022', (v) => `definition name is longer than 100 characters (${String(v).length})`),
  ITEMS_NOT_ARRAY: e('V-023', (v) => `"items" must be an array, ${got(v)}`),
  ITEMS_EMPTY: w('V-024', () => 'definition has no services or databases'),
  DUPLICATE_ITEM_NAME: e('V-025', (v) => `duplicate item name ${show(v)}`, 'Override `name` next to the $ref to run a second copy of a fragment.'),
  CONFIG_BLOCK_INVALID: e('V-026', (v) => `"config" must be an object, ${got(v)}`),
  CONFIG_BLOCK_UNKNOWN_KEY: w('V-027', (_v, k) => `config: unknown property ${show(k)}`, 'Allowed: timeoutSeconds, browser, externalTraffic.'),
  CONFIG_TIMEOUT_INVALID: e('V-028', (v) => `config.timeoutSeconds must be a positive integer, ${got(v)}`),
  CONFIG_BROWSER_INVALID: e('V-029', (v) => `config.browser must be an object, ${got(v)}`),
  CONFIG_BROWSER_UNKNOWN_KEY: w('V-030', (_v, k) => `config.browser: unknown property ${show(k)}`, 'Allowed: version.'),
  CONFIG_BROWSER_VERSION_INVALID: e('V-031', (v) => `config.browser.version must be a non-empty string, ${got(v)}`),
  CONFIG_EXTERNAL_TRAFFIC_INVALID: e('V-031', (v) => `config.externalTraffic must be "block" or "passthrough", ${got(v)}`),

  // $ref (V-035..V-045)
  ITEM_NOT_OBJECT: e('V-035', (v) => `item must be an object, ${got(v)}`),
  REF_INVALID: e('V-036', (v) => `$ref must be a path string or an array of path strings, ${got(v)}`),
  REF_CIRCULAR: e('V-037', (v) => `circular $ref detected — ${show(v)} already in resolution chain`),
  REF_NOT_FOUND: e('V-038', (v) => `$ref ${show(v)} not found`),
  REF_UNPARSABLE: e('V-039', (v) => `$ref ${show(v)} could not be parsed`),
  REF_TOO_DEEP: e('V-040', () => '$ref chain exceeds maximum depth of 10'),
  REF_RESOLVED_BY_ANCESTOR: w('F-044', (v) => `$ref ${show(v)} is not relative to this file`),
  REF_NOT_OBJECT: e('V-035', (v) => `$ref target must contain an object, ${got(v)}`),
  REF_SPREAD_MISSING: w('F-043', (v) => `${show(v)} has nothing to spread (the fragment has no such array)`),
  ACTION_FRAGMENT_INVALID: e('V-041', () => 'action fragment must be a plain object with an "action" object'),
  ACTION_FRAGMENT_EXTRA_KEYS: w('V-042', (v) => `action fragment has extra keys (${show(v)})`, 'Only action, name and description are used.'),
  UI_FRAGMENT_INVALID: e('V-043', () => 'UI sub-step fragment must be an object with a "steps" array'),
  UI_FRAGMENT_EXTRA_KEYS: w('V-044', (v) => `UI sub-step fragment has extra keys (${show(v)})`, 'Only steps, name and description are used.'),
  VARIABLES_REF_INVALID: e('V-045', (v) => `variables file is invalid: ${show(v)}`),

  // Items (V-050..V-082)
  ITEM_TYPE_INVALID: e('V-050', (v) => `item "type" must be one of SERVICE, WORKER, DATABASE, BROKER, MOCK, ${got(v)}`),
  ITEM_NAME_MISSING: e('V-051', (v) => `item "name" must be a non-empty string, ${got(v)}`),
  ITEM_NAME_TOO_LONG: e('V-052', (v) => `item name ${show(v)} is longer than 63 characters`),
  ITEM_NAME_INVALID: e('V-053', (v) => `item name ${show(v)} is not a lowercase DNS label`, 'Use lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. "order-service").'),
  ITEM_DESCRIPTION_TOO_LONG: w('V-054', () => 'item description is longer than 500 characters'),
  ITEM_STAGE_INVALID: e('V-055', (v) => `"stage" must be a non-negative integer, ${got(v)}`),
  ITEM_STAGE_ON_MOCK: e('F-110', () => 'MOCK items do not accept "stage" (they create no container)', 'Remove `stage` from the mock.'),
  ITEM_UNKNOWN_KEY: w('V-056', (_v, k) => `unknown item property ${show(k)}`),
  SERVICE_IMAGE_MISSING: e('V-057', () => 'SERVICE needs an "image"'),
  SERVICE_HEALTHCHECK_MISSING: e('V-058', (v) => `SERVICE needs a string "healthCheck", ${got(v)}`, 'Use an HTTP path such as "/health", or "tcp".'),
  SERVICE_HEALTHCHECK_INVALID: e('V-059', (v) => `"healthCheck" must start with "/" or be "tcp", ${got(v)}`),
  PORT_INVALID: e('V-060', (v) => `"port" must be an integer 1–65535, ${got(v)}`),
  COMMAND_INVALID: e('V-061', (v) => `"command" must be an array of strings, ${got(v)}`, 'Write it as a list: `command: [node, server.js]`.'),
  ENTRYPOINT_INVALID: e('V-062', (v) => `"entrypoint" must be an array of strings, ${got(v)}`),
  MOUNT_FILES_INVALID: e('V-063', (v) => `"mountFiles" entries must be {source, target} with an absolute target, ${got(v)}`),
  ENV_INVALID: e('V-064', (v) => `"env" must be an array of {name, value} strings, ${got(v)}`, 'Write `env:\\n  - name: KEY\\n    value: "text"` (quote numbers and booleans).'),
  WORKER_IMAGE_MISSING: w('V-065', () => 'WORKER has no "image"'),
  DATABASE_ENGINE_INVALID: e('V-066', (v) => `"database" must be one of postgres, mysql, mongodb, redis, ${got(v)}`),
  DATABASE_IMAGE_AND_VERSION: e('V-067', () => 'DATABASE cannot have both "image" and "version"', 'Keep one of them.'),
  VERSION_INVALID: e('V-068', (v) => `"version" must look like "15" or "8.0.36", ${got(v)}`, 'A version starts with a digit; "latest" is not allowed.'),
  DATABASE_IMAGE_INVALID: e('V-069', (v) => `DATABASE "image" must be a non-empty string, ${got(v)}`),
  DATABASE_NOAUTH_INVALID: e('V-070', (v) => `"noAuth" must be a boolean, ${got(v)}`),
  DATABASE_NOAUTH_WITH_CREDENTIALS: e('V-070', () => '"noAuth: true" cannot be combined with dbName, dbUser or dbPassword'),
  INIT_FILE_INVALID: e('V-071', (v) => `init file paths must be non-empty strings (initFilePaths an array), ${got(v)}`),
  BROKER_KIND_INVALID: e('V-072', (v) => `"broker" must be amqp or kafka, ${got(v)}`),
  BROKER_HEALTHCHECK_INVALID: e('V-073', (v) => `BROKER "healthCheck" must be a string, ${got(v)}`),
  MOCK_TARGET_INVALID: e('V-074', (v) => `MOCK needs a string "mockTarget" (a host such as api.stripe.com), ${got(v)}`),
  MOCK_PATH_INVALID: e('V-074', (v) => `MOCK needs a string "mockPath" (such as /v1/charges or *), ${got(v)}`),
  MOCK_METHOD_INVALID: e('V-075', (v) => `"mockMethod" must be an HTTP method or "*", ${got(v)}`),
  MOCK_STATUS_INVALID: e('V-076', (v) => `"mockResponseStatus" must be an integer 100–599, ${got(v)}`),
  MOCK_DELAY_INVALID: e('V-077', (v) => `mock delay must be a non-negative number of milliseconds, ${got(v)}`),
  MOCK_BODY_CONTAINS_INVALID: e('V-078', (v) => `"mockRequestBodyContains" must be a non-empty string, ${got(v)}`),
  MOCK_BODY_MATCHES_INVALID: e('V-079', (v) => `"mockRequestBodyMatches" must be a valid, non-empty regular expression, ${got(v)}`),
  MOCK_BODY_MATCHERS_BOTH: e('V-080', () => 'a mock cannot have both mockRequestBodyContains and mockRequestBodyMatches'),
  MOCK_DELAY_BOTH: e('V-077', () => 'a mock cannot have both mockDelayMs and mockResponseDelay', 'They mean the same; keep mockDelayMs.'),
  LEGACY_HTTP_REQUEST_INVALID: e('V-081', (v) => `HTTP_REQUEST item needs requestMethod, requestUrl and requestTarget, ${got(v)}`),
  LEGACY_DB_QUERY_INVALID: e('V-082', (v) => `DB_QUERY item needs queryTarget and queryText, ${got(v)}`),
  RESOURCE_INVALID: e('F-062', (v) => `resource hints must be non-negative numbers, ${got(v)}`),

  // Tests and steps (V-090..V-117)
  TESTS_LEGACY_OBJECT: e('L-08', () => 'tests: object format (v0.3.x) is no longer supported', 'Write tests as a list: `tests:\\n  - name: my test\\n    steps: [...]`.'),
  TESTS_NOT_ARRAY: e('V-091', (v) => `"tests" must be an array of test definitions, ${got(v)}`),
  TEST_NOT_OBJECT: e('V-092', (v) => `test must be an object, ${got(v)}`),
  TEST_NAME_MISSING: e('V-093', (v) => `test "name" must be a non-empty string, ${got(v)}`),
  TEST_UNKNOWN_KEY: w('V-094', (_v, k) => `unknown test property ${show(k)}`, 'Allowed: name, description, timeoutSeconds, stopOnFailure, variables, steps, forEach, for, repeat.'),
  VARIABLES_NOT_OBJECT: e('V-095', (v) => `"variables" must be an object, ${got(v)}`),
  VARIABLE_KEY_INVALID: e('V-096', (_v, k) => `variable name ${show(k)} must match ^\\w+$ (letters, digits, underscores)`),
  VARIABLE_VALUE_MISSING: e('V-097', (_v, k) => `variable ${show(k)} has no value`),
  TEST_STEPS_NOT_ARRAY: e('V-098', (v) => `test "steps" must be an array, ${got(v)}`),
  REPEAT_UNTIL_AFTER_WAIT: w('V-099', () => 'repeat.until can never see a response: the last step of the test is a wait'),
  DUPLICATE_SCREENSHOT_NAME: e('V-100', (v) => `duplicate screenshot name ${show(v)} in this test`, 'Screenshot artifacts would overwrite each other: rename one.'),
  STEP_NOT_OBJECT: e('V-101', (v) => `step must be an object, ${got(v)}`),
  STEP_UNKNOWN_KEY: w('V-102', (_v, k) => `unknown step property ${show(k)}`, 'Allowed: name, description, stopOnFailure, action, extract, assertions, forEach, for, repeat.'),
  STEP_ACTION_MISSING: e('V-103', () => 'step needs an "action" object (or a loop whose body has one)'),
  ACTION_TYPE_MISSING: e('V-104', (v) => `action needs a "type", ${got(v)}`, 'One of httpRequest, dbQuery, wait, parallel, ui.'),
  ACTION_TYPE_UNKNOWN: e('V-104', (v) => `unknown action type ${show(v)}`, 'One of httpRequest, dbQuery, wait, parallel, ui (seed names http and database work too).'),
  ACTION_UNKNOWN_KEY: w('V-105', (_v, k) => `unknown action property ${show(k)}`),
  HTTP_METHOD_INVALID: e('V-106', (v) => `httpRequest "method" must be GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS, ${got(v)}`),
  HTTP_URL_INVALID: e('V-107', (v) => `httpRequest "url" must be a string such as "api-gateway/v1/orders", ${got(v)}`),
  HTTP_URL_HAS_PORT: w('V-108', (v) => `url ${show(v)} contains a port`, 'Ports are not needed (the service port is added automatically) and are likely to cause test failures.'),
  HTTP_BODY_AND_FORM: e('V-109', () => 'httpRequest cannot have both "body" and "formData"'),
  HTTP_FORM_INVALID: e('V-110', (v) => `"formData" must be an object, ${got(v)}`),
  HTTP_QUERY_INVALID: e('V-110', (v) => `"queryParams" must be an object, ${got(v)}`),
  HTTP_HEADERS_INVALID: e('F-133', (v) => `"headers" must be a map of header names to strings, ${got(v)}`),
  TIMEOUT_INVALID: e('F-137', (v) => `"timeout" must be a positive integer of milliseconds, ${got(v)}`),
  DB_DATABASE_INVALID: e('V-111', (v) => `dbQuery "database" must be the name of a DATABASE item, ${got(v)}`),
  DB_QUERY_INVALID: e('V-111', (v) => `dbQuery "query" must be a string, ${got(v)}`),
  DB_PARAMS_INVALID: e('F-141', (v) => `dbQuery "params" must be an object such as {"1": value}, ${got(v)}`),
  WAIT_DURATION_INVALID: e('V-112', (v) => `wait "durationMs" must be a positive integer, ${got(v)}`),
  PARALLEL_ACTIONS_INVALID: e('V-113', (v) => `parallel needs an "actions" array, ${got(v)}`),
  PARALLEL_MULTIPLE_UI: e('V-114', () => 'parallel may contain at most one ui action'),
  PARALLEL_NESTED: e('F-148', () => 'parallel actions cannot be nested'),
  PARALLEL_EXTRACT: w('V-115', () => 'extract on a parallel step always sees an empty response', 'Extract from a match block over $.traffic instead.'),
  PARALLEL_SELF_ASSERTIONS: w('V-116', () => 'self-block assertions on a parallel step see an empty response', 'Assert with a match block over $.traffic instead.'),
  ASSERTIONS_NOT_ARRAY: e('V-117', (v) => `"assertions" must be an array of blocks, ${got(v)}`),
  ASSERTION_BLOCK_NOT_OBJECT: e('V-117', (v) => `assertion block must be an object, ${got(v)}`),
  STEP_NAME_INVALID: e('F-125', (v) => `step "name" must be a string, ${got(v)}`),
  STOP_ON_FAILURE_INVALID: e('F-125', (v) => `"stopOnFailure" must be a boolean, ${got(v)}`),
  TEST_TIMEOUT_INVALID: e('F-122', (v) => `test "timeoutSeconds" must be a positive integer, ${got(v)}`),

  // UI (V-130..V-146)
  UI_TARGET_INVALID: e('V-130', (v) => `ui "target" must be the name of a SERVICE, ${got(v)}`),
  UI_STEPS_INVALID: e('V-131', (v) => `ui "steps" must be an array of sub-steps, ${got(v)}`),
  UI_STEPS_EMPTY: w('V-131', () => 'ui action has no sub-steps'),
  UI_SUBSTEP_NOT_OBJECT: e('V-132', (v) => `UI sub-step must be an object, ${got(v)}`),
  UI_GROUP_INVALID: e('V-133', () => 'a UI loop group cannot also have a sub-step kind, and its "steps" must be an array'),
  UI_SUBSTEP_KIND_MISSING: e('V-134', () => 'UI sub-step needs exactly one kind', 'One of visit, click, type, waitFor, extract, screenshot, scroll, select, hover, key, upload, drag, viewport.'),
  UI_SUBSTEP_KIND_MULTIPLE: e('V-134', (v) => `UI sub-step has more than one kind (${show(v)})`, 'Split it into one sub-step per kind.'),
  UI_SUBSTEP_UNKNOWN_KEY: w('V-134', (_v, k) => `unknown UI sub-step property ${show(k)}`),
  UI_TIMEOUT_INVALID: e('V-135', (v) => `"timeoutMs" must be a positive integer, ${got(v)}`),
  UI_SELECTOR_INVALID: e('V-136', (v) => `expected a non-empty string, ${got(v)}`),
  UI_TYPE_INVALID: e('V-137', (v) => `"type" must be {selector, text} with a non-empty selector, ${got(v)}`),
  UI_WAITFOR_INVALID: e('V-138', (v) => `"waitFor" must be a selector or {selector, text}, ${got(v)}`),
  UI_SCREENSHOT_INVALID: e('V-139', (v) => `invalid screenshot: ${show(v)}`, 'Names match ^[a-zA-Z0-9_-]{1,64}$; threshold is a number from 0 to 1.'),
  UI_SCROLL_INVALID: e('V-140', (v) => `"scroll" must be a selector or {selector?, x?, y?} with integers, ${got(v)}`),
  UI_SELECT_INVALID: e('V-141', (v) => `"select" must be {selector, value}, ${got(v)}`),
  UI_KEY_INVALID: e('V-142', (v) => `"key" must be a key name or {selector?, key}, ${got(v)}`),
  UI_UPLOAD_INVALID: e('V-143', (v) => `"upload" must be {selector, files: [paths]}, ${got(v)}`),
  UI_DRAG_INVALID: e('V-144', (v) => `"drag" must be {from, to} selectors, ${got(v)}`),
  UI_VIEWPORT_INVALID: e('V-145', (v) => `"viewport" must be {width, height} positive integers, ${got(v)}`),
  UI_EXTRACT_INVALID: e('V-146', (v) => `invalid UI extract: ${show(v)}`, 'Each variable is {from: text|attribute|value|url|cookie|localStorage|sessionStorage|count|exists, selector?, name?, key?, part?, pattern?, group?}.'),
  UI_EXTRACT_EMPTY: w('V-146', () => 'UI extract defines no variables'),
  UI_EXTRACT_GROUP_WITHOUT_PATTERN: w('V-146', () => '"group" has no effect without "pattern"'),

  // Assertion blocks, match, extract, assertions (V-160..V-178)
  BLOCK_UNKNOWN_KEY: w('V-160', (_v, k) => `unknown assertion block property ${show(k)}`, 'Allowed: assertions, match, extract, forEach, for, repeat.'),
  MATCH_INVALID: e('V-161', (v) => `"match" must be an object, ${got(v)}`),
  MATCH_UNKNOWN_KEY: w('V-161', (_v, k) => `unknown match property ${show(k)}`, 'Allowed: path, where, count, as.'),
  MATCH_PATH_INVALID: e('V-162', (v) => `match "path" must start with "$." (e.g. "$.traffic"), ${got(v)}`),
  WHERE_INVALID: e('V-163', (v) => `"where" must be a non-empty array, ${got(v)}`),
  WHERE_ENTRY_INVALID: e('V-164', (v) => `where entry must have exactly one of path, or, and, not, ${got(v)}`),
  WHERE_UNKNOWN_KEY: w('V-164', (_v, k) => `unknown where property ${show(k)}`),
  WHERE_PATH_INVALID: e('V-165', (v) => `where "path" must start with "$$." (the candidate entry), ${got(v)}`, 'e.g. "$$.request.url".'),
  WHERE_COMBINATOR_INVALID: e('V-166', (v) => `"or"/"and" must be a non-empty array, ${got(v)}`),
  COUNT_INVALID: e('V-167', (v) => `"count" must be a non-negative integer or {operator: eq|gt|gte|lt|lte, value: integer}, ${got(v)}`),
  COUNT_UNKNOWN_KEY: w('V-167', (_v, k) => `unknown count property ${show(k)}`),
  MATCH_AS_INVALID: e('V-168', (v) => `match "as" must match ^\\w+$, ${got(v)}`),
  EXTRACT_INVALID: e('V-169', (v) => `"extract" must map variable names to paths or rules, ${got(v)}`),
  EXTRACT_TRANSFORM_INVALID: e('V-171', (v) => `invalid transform extract: ${show(v)}`, 'Use {path | from, transform: keys|values|entries} (no pattern).'),
  EXTRACT_REGEX_INVALID: e('V-172', (v) => `invalid regex extract: ${show(v)}`, 'Use {path, pattern, group?} with a valid regular expression.'),
  EXTRACT_UNKNOWN_KEY: w('V-171', (_v, k) => `unknown extract property ${show(k)}`),
  ASSERTION_NOT_OBJECT: e('V-174', (v) => `assertion must be an object {path, operator, value}, ${got(v)}`),
  ASSERTION_UNKNOWN_KEY: w('V-173', (_v, k) => `unknown assertion property ${show(k)}`, 'Allowed: path, count, type, keys, values, entries, operator, value, disabled.'),
  ASSERTION_SOURCE_MISSING: e('V-174', () => 'assertion needs exactly one source: path, count, type, keys, values or entries'),
  ASSERTION_SOURCE_MULTIPLE: e('V-174', (v) => `assertion has more than one source (${show(v)})`, 'Keep one of path, count, type, keys, values, entries.'),
  ASSERTION_PATH_OBJECT_INVALID: e('V-175', (v) => `path object must be {from: "$.…", transform: length|type|keys|values|entries}, ${got(v)}`),
  PATH_INVALID: e('V-176', (v) => `path ${show(v)} must start with "$."`),
  PATH_DOLLAR_DOLLAR_OUTSIDE_WHERE: e('V-176', (v) => `path ${show(v)} uses "$$", which only exists inside where entries`),
  PATH_LEGACY: e('V-176', (v) => `legacy path ${show(v)}`),
  PATH_MALFORMED: e('V-176', (v) => `malformed path ${show(v)}`, 'Paths are $. followed by keys and [n] indexes, e.g. $.response.body.items[0].id.'),
  SOURCE_NOT_STRING: e('V-177', (v) => `shorthand source must be a path string, ${got(v)}`),
  OPERATOR_MISSING: e('V-178', () => 'assertion needs an "operator"', 'One of eq, ne, gt, gte, lt, lte, contains, notContains, eqIgnoreCase, containsIgnoreCase, notContainsIgnoreCase, matches, exists, notExists, in, notIn, isEmpty, notEmpty.'),
  OPERATOR_UNKNOWN: e('V-178', (v) => `unknown operator ${show(v)}`, 'One of eq, ne, gt, gte, lt, lte, contains, notContains, eqIgnoreCase, containsIgnoreCase, notContainsIgnoreCase, matches, exists, notExists, in, notIn, isEmpty, notEmpty.'),
  OPERATOR_VALUE_MISSING: e('F-278', (v) => `operator ${show(v)} needs a "value"`),
  OPERATOR_VALUE_NOT_ARRAY: e('F-275', (v) => `operator ${show(v)} needs an array "value"`),
  OPERATOR_REGEX_INVALID: e('F-273', (v) => `"matches" value ${show(v)} is not a valid regular expression`),
  LEGACY_OPERATOR: e('L-06', (v) => `operator ${show(v)} was removed`),
  LEGACY_BLOCK: e('L-04', (_v, k) => `v0.3.x assertion block property ${show(k)}`),

  // Loops (V-190..V-200)
  LOOP_MULTIPLE: e('V-190', (v) => `only one of forEach, for, repeat is allowed on one object (${show(v)})`),
  LOOP_FOREACH_INVALID: e('V-191', (v) => `invalid forEach: ${show(v)}`, 'forEach needs items (an array or a "{{variable}}") and as.'),
  LOOP_FOREACH_PATH_ITEMS: e('V-191', (v) => `forEach items ${show(v)} is a $.path, only allowed on assertion blocks`, 'Use a {{variable}} reference instead.'),
  LOOP_FOR_INVALID: e('V-192', (v) => `invalid for loop: ${show(v)}`, 'for needs integer from and to, a non-zero integer step in the right direction, at most 10 000 iterations.'),
  LOOP_REPEAT_INVALID: e('V-193', (v) => `invalid repeat: ${show(v)}`, 'repeat needs a positive integer count; until is a list of assertions.'),
  LOOP_AS_INVALID: e('V-194', (v) => `loop "as" must match ^\\w+$, ${got(v)}`),
  LOOP_NAME_INVALID: e('V-195', (v) => `loop "name" must match ^\\w+$, ${got(v)}`),
  LOOP_DELAY_INVALID: e('V-196', (v) => `"delayMs" must be an integer from 0 to 60000, ${got(v)}`),
  LOOP_BODY_KEY_INVALID: e('V-197', (_v, k) => `${show(k)} is not allowed in this loop body`),
  LOOP_NESTED_IN_BLOCK: e('V-198', () => 'no loop may be nested inside an assertion-block loop'),
  LOOP_SIBLING_MISUSE: e('V-199', (_v, k) => `${show(k)} must be inside the loop object, not next to it`),
  LOOP_UNKNOWN_KEY: w('V-200', (_v, k) => `unknown loop property ${show(k)}`),

  // Seed / legacy forms
  SEED_ASSERTION_TYPE_UNKNOWN: e('S-06', (v) => `seed assertion type ${show(v)} is not one of response.statusCode, response.body, response.headers, request.body, request.headers, responseTime`),
  SEED_TARGET_UNKNOWN: e('S-04', (v) => `seed assertion target must be "self" or "httpCall", ${got(v)}`),
  SCHEMA: e('V-000', () => 'invalid value'),
} satisfies Record<string, Rule>

export type IssueCode = keyof typeof RULES

export function ruleOf(code: IssueCode): Rule {
  return RULES[code]
}
