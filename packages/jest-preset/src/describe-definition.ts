// describeDefinition(): a YAML definition as a Jest describe, one `it` per test, sharing one
// environment started in beforeAll and stopped in afterAll.
import { statSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, it } from '@jest/globals'
import { formatIssues, formatTestFailure, loadDefinitions, resolveDefinition, startDefinition, type Definition, type DefinitionSession, type Issue } from '@dokkimi/core'
import { failure, startFailure } from './_failure.js'
import { readHandoff, runtimeOf } from './_handoff.js'

export interface DescribeDefinitionOptions {
  /** Folder a relative path starts from. @default process.cwd() */
  cwd?: string
}

/**
 * Registers a describe per definition at `target` (a definition file or a folder of them; a string
 * relative to `cwd`, or a file URL such as `new URL('./checkout.yaml', import.meta.url)`) with one
 * `it` per test. A test skipped because an earlier one failed fatally fails with the reason: Jest
 * cannot skip a test once it runs.
 */
export function describeDefinition(target: string | URL, options: DescribeDefinitionOptions = {}): void {
  const cwd = options.cwd ?? process.cwd()
  const path = typeof target === 'string' ? target : fileURLToPath(target)
  const { definitions, errors, images } = load(path, cwd)
  if (errors.length > 0 || definitions.length === 0) {
    const message = errors.length > 0 ? formatIssues(errors, { cwd }) : `[dokkimi] no runnable definition in "${path}" (from ${cwd}). Pass a definition file or a folder holding definitions`
    describe(relative(cwd, resolve(cwd, path)) || path, () => {
      it('resolves', () => {
        throw failure('RESOLVER_INVALID_DEFINITION', message)
      })
    })
  }
  for (const definition of definitions) describeOne(definition, cwd, images)
}

// The project's config.yaml `images:` applies as it does for the CLI.
function load(path: string, cwd: string): { definitions: Definition[]; errors: Issue[]; images: Record<string, string> } {
  const loaded = loadDefinitions(path, { cwd })
  const images = loaded.config.images
  const isFile = statSync(resolve(cwd, path), { throwIfNoEntry: false })?.isFile() ?? false
  if (isFile && loaded.errors.length === 0 && loaded.definitions.length === 0) {
    // A fragment: resolveDefinition explains what a definition file needs.
    const result = resolveDefinition(path, { cwd })
    return { definitions: result.ok ? [result.value] : [], errors: result.ok ? [] : result.errors, images }
  }
  return { definitions: loaded.definitions, errors: loaded.errors, images }
}

function describeOne(definition: Definition, cwd: string, images: Record<string, string>): void {
  describe(definition.name, () => {
    let session: DefinitionSession | undefined
    beforeAll(async () => {
      const handoff = readHandoff()
      try {
        session = await startDefinition(definition, { runtime: await runtimeOf(handoff, images), session: handoff.session })
      } catch (error) {
        throw startFailure(error)
      }
    })
    afterAll(async () => {
      await session?.stop()
    })
    for (const test of definition.tests) {
      it(test.name, async () => {
        // Unreachable when beforeAll failed: Jest fails every test of the block with its error.
        if (!session) throw failure('ENVIRONMENT_START_FAILED', `[dokkimi] the environment of "${definition.name}" is not running`)
        const result = await session.runTest(test)
        if (result.status === 'skipped') throw failure('STEP_FAILED', `[dokkimi] not run: ${session.skipReason ?? 'an earlier test failed'} (Jest cannot skip a test at run time)`)
        if (result.status === 'failed') throw failure('ASSERTION_FAILED', formatTestFailure(definition, result, { cwd }))
      })
    }
  })
}
