import type { Definition } from '@dokkimi/resolver'
import { createEnvironment, type CreateEnvironmentOptions } from '../environment/create-environment.js'
import type { EnvironmentSpec } from './define-environment.js'
import { FlowEnvironment } from './flow-environment.js'
import { isDefinition, resolveEnvironmentSpec } from './resolve-environment-spec.js'

/** How to start: the `createEnvironment()` options (runtime, session, signal, onProgress, settle). */
export type StartEnvironmentOptions = CreateEnvironmentOptions

/** Resolves a spec (or takes a resolved definition), starts its environment and returns the handle. */
export async function startEnvironment(specOrDefinition: EnvironmentSpec | Definition, options: StartEnvironmentOptions): Promise<FlowEnvironment> {
  const definition = isDefinition(specOrDefinition) ? specOrDefinition : resolveEnvironmentSpec(specOrDefinition)
  return new FlowEnvironment(await createEnvironment(definition, options))
}
