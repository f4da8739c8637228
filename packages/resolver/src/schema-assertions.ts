import { z } from 'zod'
import { checkPath } from './_paths.js'
import { c, IDENTIFIER, obj, report } from './_zod.js'
import { isRegex } from './schema-items.js'

/** The 18 assertion operators (F-267..F-278). */
export const OPERATORS = [
  'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'notContains', 'eqIgnoreCase', 'containsIgnoreCase',
  'notContainsIgnoreCase', 'matches', 'exists', 'notExists', 'in', 'notIn', 'isEmpty', 'notEmpty',
] as const
export type Operator = (typeof OPERATORS)[number]
const NO_VALUE: readonly Operator[] = ['exists', 'notExists', 'isEmpty', 'notEmpty']
// L-06: removed v0.3.x operators and what replaced them.
const LEGACY_OPERATORS: Record<string, string> = {
  type: 'Use the `type` source field with eq: `{type: $.x, operator: eq, value: string}`.',
  length: 'Use the `count` source: `{count: $.x, operator: eq, value: 3}`.',
  arrayContains: 'Use `contains` (it tests array membership).',
  arrayNotContains: 'Use `notContains`.',
  doesNotExist: 'Use `notExists`.',
}
export const COUNT_OPERATORS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const
const TRANSFORMS = ['length', 'type', 'keys', 'values', 'entries'] as const

/** A `$.`-rooted path into the root context (F-249, V-176). */
export const rootPath = z.string(c('PATH_INVALID')).superRefine((p, ctx) => checkPath(p, ctx, 'root'))
const wherePath = z.string(c('WHERE_PATH_INVALID')).superRefine((p, ctx) => checkPath(p, ctx, 'where'))

// A string checked in code (so removed operators get their own hint), listed as an enum for editors.
export const operatorSchema = z
  .string(c('OPERATOR_UNKNOWN'))
  .superRefine((op, ctx) => {
    if ((OPERATORS as readonly string[]).includes(op)) return
    const legacy = LEGACY_OPERATORS[op]
    if (legacy) report(ctx, 'LEGACY_OPERATOR', [], { hint: legacy })
    else report(ctx, 'OPERATOR_UNKNOWN')
  })
  .meta({ enum: [...OPERATORS], description: 'Comparison operator (F-267..F-278).' })

const pathObject = obj(
  { from: rootPath, transform: z.enum(TRANSFORMS, c('ASSERTION_PATH_OBJECT_INVALID')) },
  'ASSERTION_PATH_OBJECT_INVALID',
  'ASSERTION_PATH_OBJECT_INVALID',
)
const shorthand = z.string(c('SOURCE_NOT_STRING')).superRefine((p, ctx) => checkPath(p, ctx, 'root'))
const SOURCES = ['path', 'count', 'type', 'keys', 'values', 'entries'] as const

/** One assertion: a single source, an operator, and a value (F-260). */
export const assertionSchema = obj(
  {
    path: z.union([rootPath, pathObject], c('ASSERTION_PATH_OBJECT_INVALID')).optional().describe('Value to test (F-249) or {from, transform} (F-264).'),
    count: shorthand.optional().describe('Length of the array or string at this path (F-261).'),
    type: shorthand.optional().describe('Type name of the value at this path (F-262).'),
    keys: shorthand.optional().describe('Sorted keys of the object at this path (F-263).'),
    values: shorthand.optional(),
    entries: shorthand.optional(),
    operator: operatorSchema.optional(),
    value: z.unknown().optional().describe('Expected value, or {from: "$.path"} to compare with another value (F-265).'),
    disabled: z.boolean().optional(),
  },
  'ASSERTION_NOT_OBJECT',
  'ASSERTION_UNKNOWN_KEY',
).superRefine((a, ctx) => {
  const sources = SOURCES.filter((s) => a[s] !== undefined)
  if (sources.length === 0) report(ctx, 'ASSERTION_SOURCE_MISSING')
  if (sources.length > 1) report(ctx, 'ASSERTION_SOURCE_MULTIPLE', [sources[1]!], { message: `assertion has more than one source (${sources.join(', ')})` })
  if (a.disabled === true) return
  if (a.operator === undefined) return report(ctx, 'OPERATOR_MISSING')
  const op = a.operator as Operator
  if (!(OPERATORS as readonly string[]).includes(op)) return
  if (!NO_VALUE.includes(op) && !('value' in a)) report(ctx, 'OPERATOR_VALUE_MISSING', ['operator'])
  if ((op === 'in' || op === 'notIn') && 'value' in a && !Array.isArray(a.value) && !isValueRef(a.value))
    report(ctx, 'OPERATOR_VALUE_NOT_ARRAY', ['value'], { message: `operator ${JSON.stringify(op)} needs an array "value"` })
  if (op === 'matches' && typeof a.value === 'string' && !a.value.includes('{{') && !isRegex(a.value)) report(ctx, 'OPERATOR_REGEX_INVALID', ['value'])
})

function isValueRef(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'from' in v
}

export type WhereEntry = { path?: string; operator?: string; value?: unknown; or?: WhereEntry[]; and?: WhereEntry[]; not?: WhereEntry }

/** A `where` filter entry: a condition on the candidate (`$$`) or a combinator (F-223, F-224). */
export const whereEntrySchema: z.ZodType<WhereEntry> = z.lazy(() =>
  obj(
    {
      path: wherePath.optional(),
      operator: operatorSchema.optional(),
      value: z.unknown().optional(),
      or: z.array(whereEntrySchema, c('WHERE_COMBINATOR_INVALID')).min(1, c('WHERE_COMBINATOR_INVALID')).optional(),
      and: z.array(whereEntrySchema, c('WHERE_COMBINATOR_INVALID')).min(1, c('WHERE_COMBINATOR_INVALID')).optional(),
      not: whereEntrySchema.optional(),
    },
    'WHERE_ENTRY_INVALID',
    'WHERE_UNKNOWN_KEY',
  ).superRefine((w, ctx) => {
    const kinds = (['path', 'or', 'and', 'not'] as const).filter((k) => w[k] !== undefined)
    if (kinds.length !== 1) return report(ctx, 'WHERE_ENTRY_INVALID')
    if (kinds[0] === 'path') {
      if (w.operator === undefined) return report(ctx, 'OPERATOR_MISSING', [], { message: 'where entry needs an "operator"' })
      const op = w.operator as Operator
      if ((OPERATORS as readonly string[]).includes(op) && !NO_VALUE.includes(op) && !('value' in w)) report(ctx, 'OPERATOR_VALUE_MISSING', ['operator'])
    }
  }),
)

export const countSchema = z.union(
  [
    z.number(c('COUNT_INVALID')).int(c('COUNT_INVALID')).nonnegative(c('COUNT_INVALID')),
    obj(
      { operator: z.enum(COUNT_OPERATORS, c('COUNT_INVALID')), value: z.number(c('COUNT_INVALID')).int(c('COUNT_INVALID')).nonnegative(c('COUNT_INVALID')) },
      'COUNT_INVALID',
      'COUNT_UNKNOWN_KEY',
    ),
  ],
  c('COUNT_INVALID'),
)

export const matchSchema = obj(
  {
    path: z.string(c('MATCH_PATH_INVALID')).min(1, c('MATCH_PATH_INVALID')).superRefine((p, ctx) => checkPath(p, ctx, 'match')).describe('Array to filter, e.g. $.traffic (F-222).'),
    where: z.array(whereEntrySchema, c('WHERE_INVALID')).min(1, c('WHERE_INVALID')).optional().describe('Conditions on each entry, AND-ed (F-223).'),
    count: countSchema.optional().describe('How many entries must match (F-225).'),
    as: z.string(c('MATCH_AS_INVALID')).regex(IDENTIFIER, c('MATCH_AS_INVALID')).optional().describe('Store the matches in a variable (F-186).'),
  },
  'MATCH_INVALID',
  'MATCH_UNKNOWN_KEY',
)

const extractPath = z.string(c('EXTRACT_INVALID')).superRefine((p, ctx) => checkPath(p, ctx, 'root'))
const extractRule = z.union(
  [
    extractPath,
    obj(
      {
        path: extractPath.optional(),
        from: z.string(c('EXTRACT_TRANSFORM_INVALID')).optional(),
        pattern: z.string(c('EXTRACT_REGEX_INVALID')).optional(),
        group: z.number(c('EXTRACT_REGEX_INVALID')).int(c('EXTRACT_REGEX_INVALID')).nonnegative(c('EXTRACT_REGEX_INVALID')).optional(),
        transform: z.enum(['keys', 'values', 'entries'], c('EXTRACT_TRANSFORM_INVALID')).optional(),
      },
      'EXTRACT_INVALID',
      'EXTRACT_UNKNOWN_KEY',
    ).superRefine((r, ctx) => {
      if (r.transform !== undefined) {
        if (r.pattern !== undefined || r.group !== undefined) report(ctx, 'EXTRACT_TRANSFORM_INVALID', ['pattern'])
        if ((r.path === undefined) === (r.from === undefined)) report(ctx, 'EXTRACT_TRANSFORM_INVALID')
        if (r.from !== undefined && r.from.length === 0) report(ctx, 'EXTRACT_TRANSFORM_INVALID', ['from'])
        return
      }
      if (r.from !== undefined) report(ctx, 'EXTRACT_TRANSFORM_INVALID', ['from'], { message: '"from" needs a "transform"' })
      if (r.path === undefined || r.path.length === 0) report(ctx, 'EXTRACT_REGEX_INVALID', ['path'], { message: 'regex extract needs a "path"' })
      if (r.pattern === undefined || r.pattern.length === 0 || !isRegex(r.pattern)) report(ctx, 'EXTRACT_REGEX_INVALID', ['pattern'])
    }),
  ],
  c('EXTRACT_INVALID'),
)

/** Variables set from the step's root context after its action (F-180..F-185). */
export const extractSchema = z.record(z.string(), extractRule, c('EXTRACT_INVALID'))

export const untilSchema = z.array(assertionSchema, c('LOOP_REPEAT_INVALID'))

