import { z } from 'zod'
import { c, IDENTIFIER, nonEmpty, obj, posInt, report } from './_zod.js'
import { assertionSchema, extractSchema, matchSchema, untilSchema } from './schema-assertions.js'
import { HTTP_METHODS } from './schema-items.js'
import { uiSubStepSchema } from './schema-ui.js'

type Level = 'test' | 'step' | 'block' | 'action' | 'ui'
const LOOPS = ['forEach', 'for', 'repeat'] as const
const BODY_KEYS = ['steps', 'action', 'extract', 'assertions', 'match'] as const
const forbidden = (code: 'LOOP_BODY_KEY_INVALID' | 'LOOP_NESTED_IN_BLOCK') => z.unknown().refine(() => false, c(code)).optional()

/** The loop objects allowed at one level, with that level's body keys (F-200..F-214). */
function loops(level: Level, body: z.ZodRawShape) {
  const common = {
    as: z.string(c('LOOP_AS_INVALID')).regex(IDENTIFIER, c('LOOP_AS_INVALID')).describe('Variable holding the current item or number.'),
    name: z.string(c('LOOP_NAME_INVALID')).regex(IDENTIFIER, c('LOOP_NAME_INVALID')).optional().describe('Exposes {{name.index}}, {{name.items}}, {{name.completed}}, {{name.iterations}} (F-204).'),
    delayMs: z.number(c('LOOP_DELAY_INVALID')).int(c('LOOP_DELAY_INVALID')).min(0, c('LOOP_DELAY_INVALID')).max(60_000, c('LOOP_DELAY_INVALID')).optional(),
  }
  const guard: Record<string, z.ZodType> = {}
  for (const k of BODY_KEYS) if (!(k in body)) guard[k] = forbidden('LOOP_BODY_KEY_INVALID')
  if (level === 'block') for (const k of LOOPS) guard[k] = forbidden('LOOP_NESTED_IN_BLOCK')
  const shape = { ...guard, ...body, ...common }
  const forEach = obj(
    {
      ...shape,
      items: z.union([z.array(z.unknown()), z.string()], c('LOOP_FOREACH_INVALID')).describe('An array, a "{{variable}}", or (assertion blocks only) a $.path.'),
    },
    'LOOP_FOREACH_INVALID',
    'LOOP_UNKNOWN_KEY',
  ).superRefine((l, ctx) => {
    if (typeof l.items === 'string' && l.items.startsWith('$.') && level !== 'block') report(ctx, 'LOOP_FOREACH_PATH_ITEMS', ['items'])
    else if (typeof l.items === 'string' && !l.items.startsWith('{{') && !l.items.startsWith('$.'))
      report(ctx, 'LOOP_FOREACH_INVALID', ['items'], { message: `forEach items must be an array or a "{{variable}}" reference, got ${JSON.stringify(l.items)}` })
  })
  const int = z.number(c('LOOP_FOR_INVALID')).int(c('LOOP_FOR_INVALID'))
  const forLoop = obj({ ...shape, from: int, to: int, step: int.optional() }, 'LOOP_FOR_INVALID', 'LOOP_UNKNOWN_KEY').superRefine((l, ctx) => {
    const step = l.step ?? 1
    if (step === 0) return report(ctx, 'LOOP_FOR_INVALID', ['step'], { message: 'for "step" cannot be 0' })
    if ((step > 0 && l.from > l.to) || (step < 0 && l.from < l.to))
      return report(ctx, 'LOOP_FOR_INVALID', ['step'], { message: `for from ${l.from} to ${l.to} never ends with step ${step}`, hint: 'Counting down needs a negative step.' })
    if (Math.floor(Math.abs(l.to - l.from) / Math.abs(step)) + 1 > 10_000) report(ctx, 'LOOP_FOR_INVALID', [], { message: 'for loop has more than 10 000 iterations' })
  })
  const repeat = obj({ ...shape, count: posInt('LOOP_REPEAT_INVALID'), until: untilSchema.optional() }, 'LOOP_REPEAT_INVALID', 'LOOP_UNKNOWN_KEY')
  return {
    forEach: forEach.optional().describe('Repeat for each item (F-200).'),
    for: forLoop.optional().describe('Repeat over an integer range (F-201).'),
    repeat: repeat.optional().describe('Repeat up to count times, until assertions pass (F-202, F-203).'),
  }
}

function oneLoop(value: Record<string, unknown>, ctx: z.RefinementCtx): string | undefined {
  const present = LOOPS.filter((k) => value[k] !== undefined)
  if (present.length > 1) report(ctx, 'LOOP_MULTIPLE', [present[1]!], { message: `only one of forEach, for, repeat is allowed on one object (${present.join(', ')})` })
  return present[0]
}

const timeout = posInt('TIMEOUT_INVALID').optional().describe('Bound for one attempt, in ms (F-137).')
const actionLoops = loops('action', {})

const httpRequest = obj(
  {
    type: z.literal('httpRequest'),
    method: z.string(c('HTTP_METHOD_INVALID')).refine((m) => (HTTP_METHODS as readonly string[]).includes(m.toUpperCase()), c('HTTP_METHOD_INVALID')),
    url: z.string(c('HTTP_URL_INVALID')).min(1, c('HTTP_URL_INVALID')).describe('"<service>/<path>" or a full URL (F-132).'),
    path: z.string().optional(),
    headers: z.record(z.string(), z.string(c('HTTP_HEADERS_INVALID')), c('HTTP_HEADERS_INVALID')).optional(),
    body: z.unknown().optional().describe('JSON value (sent as application/json) or a raw string (F-134).'),
    formData: z.record(z.string(), z.unknown(), c('HTTP_FORM_INVALID')).optional().describe('multipart/form-data fields (F-135).'),
    queryParams: z.record(z.string(), z.unknown(), c('HTTP_QUERY_INVALID')).optional().describe('Query string parameters (F-136).'),
    timeout,
    ...actionLoops,
  },
  'ACTION_TYPE_MISSING',
  'ACTION_UNKNOWN_KEY',
).superRefine((a, ctx) => {
  if (a.body !== undefined && a.formData !== undefined) report(ctx, 'HTTP_BODY_AND_FORM', ['formData'])
  if (/^(https?:\/\/)?[^/]+:\d+(\/|$)/.test(a.url) && !/^(https?:\/\/)?[^/]*\{\{/.test(a.url)) report(ctx, 'HTTP_URL_HAS_PORT', ['url'])
  oneLoop(a, ctx)
})

const dbQuery = obj(
  {
    type: z.literal('dbQuery'),
    database: nonEmpty('DB_DATABASE_INVALID').describe('Name of a DATABASE item.'),
    query: z.string(c('DB_QUERY_INVALID')).describe('SQL, a Redis command line, or a MongoDB JSON command (F-140..F-143).'),
    params: z.record(z.string(), z.unknown(), c('DB_PARAMS_INVALID')).optional().describe('Bound parameters: {"1": value} for $1 / ? (F-141).'),
    timeout,
    ...actionLoops,
  },
  'ACTION_TYPE_MISSING',
  'ACTION_UNKNOWN_KEY',
).superRefine((a, ctx) => void oneLoop(a, ctx))

const wait = obj({ type: z.literal('wait'), durationMs: posInt('WAIT_DURATION_INVALID'), ...actionLoops }, 'ACTION_TYPE_MISSING', 'ACTION_UNKNOWN_KEY').superRefine(
  (a, ctx) => void oneLoop(a, ctx),
)

type UiEntry = Record<string, unknown>
const uiGroupLoops = loops('ui', {})
const uiEntrySchema: z.ZodType<UiEntry> = z.lazy(() =>
  z.union([
    uiSubStepSchema,
    obj({ ...uiGroupLoops, steps: z.array(uiEntrySchema, c('UI_GROUP_INVALID')) }, 'UI_SUBSTEP_NOT_OBJECT', 'UI_GROUP_INVALID').superRefine((g, ctx) => {
      if (oneLoop(g, ctx) === undefined) report(ctx, 'UI_GROUP_INVALID', ['steps'], { message: 'a UI sub-step group needs a loop (forEach, for or repeat) next to its "steps"' })
    }),
  ]),
)

const ui = obj(
  {
    type: z.literal('ui'),
    target: nonEmpty('UI_TARGET_INVALID').describe('SERVICE whose UI to drive (F-150).'),
    steps: z.array(uiEntrySchema, c('UI_STEPS_INVALID')).describe('Sub-steps run in a headless browser (F-152).'),
  },
  'ACTION_TYPE_MISSING',
  'ACTION_UNKNOWN_KEY',
).superRefine((a, ctx) => {
  if (a.steps.length === 0) report(ctx, 'UI_STEPS_EMPTY', ['steps'])
})

/** The actions allowed inside `parallel.actions`: every type but parallel itself (F-148). */
const simpleAction = z.discriminatedUnion('type', [httpRequest, dbQuery, wait, ui], {
  error: (iss) => {
    const input = iss.input as Record<string, unknown> | undefined
    if (typeof input !== 'object' || input === null || input.type === undefined) return 'ACTION_TYPE_MISSING'
    return input.type === 'parallel' ? 'PARALLEL_NESTED' : 'ACTION_TYPE_UNKNOWN'
  },
})

const parallel = obj(
  {
    type: z.literal('parallel'),
    actions: z.array(simpleAction, c('PARALLEL_ACTIONS_INVALID')).min(1, c('PARALLEL_ACTIONS_INVALID')).describe('Actions run concurrently (F-147).'),
  },
  'ACTION_TYPE_MISSING',
  'ACTION_UNKNOWN_KEY',
).superRefine((a, ctx) => {
  if (a.actions.filter((x) => x.type === 'ui').length > 1) report(ctx, 'PARALLEL_MULTIPLE_UI', ['actions'])
})

/** One action of a step (F-131..F-150). */
export const actionSchema = z.discriminatedUnion('type', [httpRequest, dbQuery, wait, ui, parallel], {
  error: (iss) => {
    const input = iss.input as Record<string, unknown> | undefined
    if (typeof input !== 'object' || input === null) return 'ACTION_TYPE_MISSING'
    return input.type === undefined ? 'ACTION_TYPE_MISSING' : 'ACTION_TYPE_UNKNOWN'
  },
})

const blockLoops = loops('block', { match: matchSchema.optional(), assertions: z.array(assertionSchema).optional(), extract: extractSchema.optional() })

/** An assertion block: self block, or match block over an array such as $.traffic (F-220..F-230). */
export const assertionBlockSchema = obj(
  {
    assertions: z.array(assertionSchema, c('ASSERTIONS_NOT_ARRAY')).optional(),
    match: matchSchema.optional(),
    extract: extractSchema.optional(),
    ...blockLoops,
  },
  'ASSERTION_BLOCK_NOT_OBJECT',
  'BLOCK_UNKNOWN_KEY',
).superRefine((b, ctx) => {
  const loop = oneLoop(b, ctx)
  if (loop && b.assertions !== undefined) report(ctx, 'LOOP_SIBLING_MISUSE', ['assertions'], { key: 'assertions' })
})

const stepBody = {
  action: actionSchema.optional(),
  extract: extractSchema.optional(),
  assertions: z.array(assertionBlockSchema, c('ASSERTIONS_NOT_ARRAY')).optional(),
  match: matchSchema.optional(),
}
const stepLoops = loops('step', stepBody)

/** One step of a test (F-125). */
export const stepSchema = obj(
  {
    name: z.string(c('STEP_NAME_INVALID')).optional(),
    description: z.string().optional(),
    stopOnFailure: z.boolean(c('STOP_ON_FAILURE_INVALID')).optional().describe('Default true: a failure ends the definition (F-126).'),
    action: actionSchema.optional(),
    extract: extractSchema.optional(),
    assertions: z.array(assertionBlockSchema, c('ASSERTIONS_NOT_ARRAY')).optional(),
    ...stepLoops,
  },
  'STEP_NOT_OBJECT',
  'STEP_UNKNOWN_KEY',
).superRefine((s, ctx) => {
  const loop = oneLoop(s, ctx)
  if (loop) {
    for (const k of ['assertions', 'extract'] as const)
      if (s[k] !== undefined) report(ctx, 'LOOP_SIBLING_MISUSE', [k], { key: k, hint: `Move "${k}" into the ${loop} object (L-07).` })
    const body = s[loop as 'forEach'] as { action?: unknown } | undefined
    if (s.action === undefined && body?.action === undefined) report(ctx, 'STEP_ACTION_MISSING')
  } else if (s.action === undefined) report(ctx, 'STEP_ACTION_MISSING')
  const action = s.action
  if (action?.type === 'parallel') {
    if (s.extract !== undefined) report(ctx, 'PARALLEL_EXTRACT', ['extract'])
    s.assertions?.forEach((b, i) => {
      if (b.match === undefined && b.assertions !== undefined && b.assertions.length > 0) report(ctx, 'PARALLEL_SELF_ASSERTIONS', ['assertions', i])
    })
  }
})

const variableKey = z.string().regex(IDENTIFIER, c('VARIABLE_KEY_INVALID'))
/** Variables: `^\w+$` keys to any JSON value (F-121, F-188). */
export const variablesSchema = z.record(variableKey, z.unknown().refine((v) => v !== undefined, c('VARIABLE_VALUE_MISSING')), c('VARIABLES_NOT_OBJECT'))

const testLoops = loops('test', { steps: z.array(stepSchema, c('TEST_STEPS_NOT_ARRAY')).optional() })

/** A test: a named sequence of steps sharing the definition's environment (F-120). */
export const testSchema = obj(
  {
    name: nonEmpty('TEST_NAME_MISSING').describe('Test name, shown in reports.'),
    description: z.string().optional(),
    timeoutSeconds: posInt('TEST_TIMEOUT_INVALID').optional().describe('Budget for this test (F-122).'),
    stopOnFailure: z.boolean(c('STOP_ON_FAILURE_INVALID')).optional(),
    variables: variablesSchema.optional(),
    steps: z.array(stepSchema, c('TEST_STEPS_NOT_ARRAY')).optional(),
    ...testLoops,
  },
  'TEST_NOT_OBJECT',
  'TEST_UNKNOWN_KEY',
).superRefine((t, ctx) => {
  const loop = oneLoop(t, ctx)
  if (loop && t.steps !== undefined) report(ctx, 'LOOP_SIBLING_MISUSE', ['steps'], { key: 'steps', hint: `Move "steps" into the ${loop} object (L-07).` })
})
