// describeDefinition(): a Dokkimi definition as a Vitest suite, one `it` per test of the
// definition, all sharing one environment started in beforeAll and stopped in afterAll.
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatIssues, formatTestFailure, loadDefinitions, startDefinition, type Definition, type DefinitionSession, type SettleOptions } from '@dokkimi/core'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { runtimeFactory, type DokkimiContext } from './_context.js'
import { dokkimiContext } from './_dokkimi-context.js'
import { reportError } from './_report-error.js'
import { trackEnvironment } from './_track-environment.js'

export interface DescribeDefinitionOptions {
  /** Quiet period and deadline of traffic matches. @default core's defaults */
  settle?: SettleOptions
}

/**
 * Registers a suite per definition found at `path` (a file, a folder or a name pattern; relative
 * to the Vitest project root), with one test per test of the definition.
 */
export function describeDefinition(path: string | URL, options: DescribeDefinitionOptions = {}): void {
  const context = dokkimiContext('describeDefinition()')
  const target = path instanceof URL ? fileURLToPath(path) : resolve(context.cwd, path)
  const shown = relative(context.cwd, target) || target
  const loaded = loadDefinitions(target, { cwd: context.cwd })
  if (loaded.errors.length > 0) {
    const message = formatIssues(loaded.errors, { cwd: context.cwd })
    it(shown, () => {
      throw reportError('RESOLVER_INVALID_DEFINITION', message)
    })
  } else if (loaded.definitions.length === 0) {
    it(shown, () => {
      throw reportError('RESOLVER_INVALID_DEFINITION', `[dokkimi] no definition found at "${shown}": a definition is a YAML file with a top-level name and items. Check the path passed to describeDefinition()`)
    })
  }
  for (const definition of loaded.definitions) describeOne(definition, context, loaded.config.images, options)
}

function describeOne(definition: Definition, context: DokkimiContext, images: Record<string, string>, options: DescribeDefinitionOptions): void {
  describe(definition.name, () => {
    let session: DefinitionSession | undefined
    let untrack = () => {}
    beforeAll(async () => {
      const abort = new AbortController()
      untrack = trackEnvironment(abort, async () => session?.stop())
      const runtime = await runtimeFactory(context, images)
      session = await startDefinition(definition, { runtime, session: context.session, signal: abort.signal, ...(options.settle ? { settle: options.settle } : {}) })
    })
    afterAll(async () => {
      try {
        await session?.stop()
      } finally {
        untrack()
      }
    })
    for (const test of definition.tests) {
      // A test's own timeoutSeconds is enforced by core; Vitest's limit only needs to be looser.
      const timeout = test.timeoutSeconds ? test.timeoutSeconds * 1000 + 10_000 : undefined
      it(
        test.name,
        async (ctx) => {
          if (!session) throw reportError('ENVIRONMENT_START_FAILED', `[dokkimi] the environment of "${definition.name}" is not running: its beforeAll hook failed`)
          const result = await session.runTest(test)
          if (result.status === 'skipped') ctx.skip(session.skipReason)
          if (result.status === 'failed') throw reportError(result.error || result.steps.some((s) => s.error) ? 'STEP_FAILED' : 'ASSERTION_FAILED', formatTestFailure(definition, result, { cwd: context.cwd }))
        },
        timeout,
      )
    }
  })
}
