import { DokkimiError } from '@dokkimi/core'
import { inject } from 'vitest'
import type { DokkimiContext } from './_context.js'

/** The provided context, or a clear error when the plugin is not in the Vitest config. */
export function dokkimiContext(caller: string): DokkimiContext {
  const context = inject('dokkimi')
  if (!context) throw new DokkimiError('RUNTIME_UNAVAILABLE', `[dokkimi] [vitest] ${caller} needs the dokkimi() plugin, which is not in this Vitest config. Add it: plugins: [dokkimi()] in vitest.config.ts`)
  return context
}
