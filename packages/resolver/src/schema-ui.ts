import { z } from 'zod'
import { c, IDENTIFIER, nonEmpty, obj, posInt, report } from './_zod.js'
import { isRegex } from './schema-items.js'

/** visit / click / hover (V-136); selectors inside other kinds report that kind's rule. */
const selector = nonEmpty('UI_SELECTOR_INVALID')
export const UI_KINDS = ['visit', 'click', 'type', 'waitFor', 'extract', 'screenshot', 'scroll', 'select', 'hover', 'key', 'upload', 'drag', 'viewport'] as const
export const SCREENSHOT_NAME = /^[a-zA-Z0-9_-]{1,64}$/
const EXTRACT_FROM = ['text', 'attribute', 'value', 'url', 'cookie', 'localStorage', 'sessionStorage', 'count', 'exists'] as const
const NEEDS: Record<(typeof EXTRACT_FROM)[number], 'selector' | 'name' | 'key' | undefined> = {
  text: 'selector', value: 'selector', count: 'selector', exists: 'selector', attribute: 'selector',
  cookie: 'name', localStorage: 'key', sessionStorage: 'key', url: undefined,
}

const screenshotName = z.string(c('UI_SCREENSHOT_INVALID')).regex(SCREENSHOT_NAME, c('UI_SCREENSHOT_INVALID'))
const uiExtractSource = obj(
  {
    from: z.enum(EXTRACT_FROM, c('UI_EXTRACT_INVALID')),
    selector: nonEmpty('UI_EXTRACT_INVALID').optional(),
    name: nonEmpty('UI_EXTRACT_INVALID').optional(),
    key: nonEmpty('UI_EXTRACT_INVALID').optional(),
    part: z.enum(['full', 'pathname', 'search', 'hash', 'host'], c('UI_EXTRACT_INVALID')).optional(),
    pattern: z.string(c('UI_EXTRACT_INVALID')).refine(isRegex, c('UI_EXTRACT_INVALID')).optional(),
    group: z.number(c('UI_EXTRACT_INVALID')).int(c('UI_EXTRACT_INVALID')).nonnegative(c('UI_EXTRACT_INVALID')).optional(),
  },
  'UI_EXTRACT_INVALID',
  'UI_SUBSTEP_UNKNOWN_KEY',
).superRefine((s, ctx) => {
  const need = NEEDS[s.from]
  if (need === 'selector' && s.selector === undefined) report(ctx, 'UI_EXTRACT_INVALID', [], { message: `extract from "${s.from}" needs a "selector"` })
  if (s.from === 'attribute' && s.name === undefined) report(ctx, 'UI_EXTRACT_INVALID', [], { message: 'extract from "attribute" needs a "name"' })
  if (need === 'name' && s.name === undefined) report(ctx, 'UI_EXTRACT_INVALID', [], { message: `extract from "${s.from}" needs a "name"` })
  if (need === 'key' && s.key === undefined) report(ctx, 'UI_EXTRACT_INVALID', [], { message: `extract from "${s.from}" needs a "key"` })
  if (s.group !== undefined && s.pattern === undefined) report(ctx, 'UI_EXTRACT_GROUP_WITHOUT_PATTERN', ['group'])
})

/** Fields of one UI sub-step: exactly one kind key plus `timeoutMs` (F-152). */
export const uiSubStepShape = {
  visit: selector.optional().describe('Path or absolute URL to open (F-154).'),
  click: selector.optional().describe('CSS selector to click (F-155).'),
  hover: selector.optional().describe('CSS selector to hover (F-163).'),
  type: obj({ selector: nonEmpty('UI_TYPE_INVALID'), text: z.string(c('UI_TYPE_INVALID')) }, 'UI_TYPE_INVALID', 'UI_SUBSTEP_UNKNOWN_KEY').optional().describe('Type text into an element (F-156).'),
  waitFor: z
    .union(
      [nonEmpty('UI_WAITFOR_INVALID'), obj({ selector: nonEmpty('UI_WAITFOR_INVALID'), text: z.string(c('UI_WAITFOR_INVALID')).optional() }, 'UI_WAITFOR_INVALID', 'UI_SUBSTEP_UNKNOWN_KEY')],
      c('UI_WAITFOR_INVALID'),
    )
    .optional()
    .describe('Wait for an element, optionally containing text (F-157).'),
  extract: z
    .record(z.string(), uiExtractSource, c('UI_EXTRACT_INVALID'))
    .superRefine((vars, ctx) => {
      // V-146: at least one variable, each named ^\w+$.
      const names = Object.keys(vars)
      if (names.length === 0) report(ctx, 'UI_EXTRACT_EMPTY')
      for (const k of names)
        if (!IDENTIFIER.test(k)) report(ctx, 'UI_EXTRACT_INVALID', [k], { message: `UI extract variable name ${JSON.stringify(k)} must match ^\\w+$` })
    })
    .optional()
    .describe('Read values from the page into variables (F-158).'),
  screenshot: z
    .union(
      [
        screenshotName,
        obj(
          {
            name: screenshotName,
            selector: nonEmpty('UI_SCREENSHOT_INVALID').optional(),
            match: z
              .union([
                z.boolean(),
                obj(
                  {
                    threshold: z.number(c('UI_SCREENSHOT_INVALID')).min(0, c('UI_SCREENSHOT_INVALID')).max(1, c('UI_SCREENSHOT_INVALID')).optional(),
                    ignoreRegions: z.array(nonEmpty('UI_SCREENSHOT_INVALID'), c('UI_SCREENSHOT_INVALID')).optional(),
                  },
                  'UI_SCREENSHOT_INVALID',
                  'UI_SUBSTEP_UNKNOWN_KEY',
                ),
              ], c('UI_SCREENSHOT_INVALID'))
              .optional(),
          },
          'UI_SCREENSHOT_INVALID',
          'UI_SUBSTEP_UNKNOWN_KEY',
        ),
      ],
      c('UI_SCREENSHOT_INVALID'),
    )
    .optional()
    .describe('Capture the viewport or an element, optionally compared with a baseline (F-160, F-171).'),
  scroll: z
    .union([
      nonEmpty('UI_SCROLL_INVALID'),
      obj(
        { selector: nonEmpty('UI_SCROLL_INVALID').optional(), x: z.number(c('UI_SCROLL_INVALID')).int(c('UI_SCROLL_INVALID')).optional(), y: z.number(c('UI_SCROLL_INVALID')).int(c('UI_SCROLL_INVALID')).optional() },
        'UI_SCROLL_INVALID',
        'UI_SUBSTEP_UNKNOWN_KEY',
      ).refine((s) => s.selector !== undefined || s.x !== undefined || s.y !== undefined, c('UI_SCROLL_INVALID')),
    ], c('UI_SCROLL_INVALID'))
    .optional(),
  select: obj({ selector: nonEmpty('UI_SELECT_INVALID'), value: z.string(c('UI_SELECT_INVALID')) }, 'UI_SELECT_INVALID', 'UI_SUBSTEP_UNKNOWN_KEY').optional(),
  key: z
    .union([nonEmpty('UI_KEY_INVALID'), obj({ selector: nonEmpty('UI_KEY_INVALID').optional(), key: nonEmpty('UI_KEY_INVALID') }, 'UI_KEY_INVALID', 'UI_SUBSTEP_UNKNOWN_KEY')], c('UI_KEY_INVALID'))
    .optional(),
  upload: obj({ selector: nonEmpty('UI_UPLOAD_INVALID'), files: z.array(nonEmpty('UI_UPLOAD_INVALID'), c('UI_UPLOAD_INVALID')).min(1, c('UI_UPLOAD_INVALID')) }, 'UI_UPLOAD_INVALID', 'UI_SUBSTEP_UNKNOWN_KEY').optional(),
  drag: obj({ from: nonEmpty('UI_DRAG_INVALID'), to: nonEmpty('UI_DRAG_INVALID') }, 'UI_DRAG_INVALID', 'UI_SUBSTEP_UNKNOWN_KEY').optional(),
  viewport: obj({ width: posInt('UI_VIEWPORT_INVALID'), height: posInt('UI_VIEWPORT_INVALID') }, 'UI_VIEWPORT_INVALID', 'UI_SUBSTEP_UNKNOWN_KEY').optional(),
  timeoutMs: posInt('UI_TIMEOUT_INVALID').optional().describe('Bound for this sub-step in ms, default 30000 (F-153).'),
}

// V-133: loop keys and `steps` make an entry a loop group; on a sub-step they are errors, not
// unknown keys, so a group that also has a kind is rejected instead of run as a plain sub-step.
const groupOnly = z.never(c('UI_GROUP_INVALID')).optional()
const groupKeys = { forEach: groupOnly, for: groupOnly, repeat: groupOnly, steps: groupOnly }

export const uiSubStepSchema = obj({ ...uiSubStepShape, ...groupKeys }, 'UI_SUBSTEP_NOT_OBJECT', 'UI_SUBSTEP_UNKNOWN_KEY').superRefine((s, ctx) => {
  const kinds = UI_KINDS.filter((k) => s[k] !== undefined)
  if (kinds.length === 0) report(ctx, 'UI_SUBSTEP_KIND_MISSING')
  if (kinds.length > 1) report(ctx, 'UI_SUBSTEP_KIND_MULTIPLE', [kinds[1]!], { message: `UI sub-step has more than one kind (${kinds.join(', ')})` })
})

