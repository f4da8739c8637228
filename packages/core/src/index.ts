// The engine (environments, steps, assertions) arrives with issue #3; today core re-exports the
// resolver, which is the model every runtime and front end consumes.
export {
  formatIssue,
  formatIssues,
  generateJsonSchema,
  isResolveError,
  loadDefinitions,
  resolveDefinition,
  resolveDefinitionOrThrow,
  ResolveError,
  validate,
} from '@dokkimi/resolver'
export type {
  Action,
  Assertion,
  AssertionBlock,
  DatabaseItem,
  Definition,
  FileResult,
  Issue,
  IssueCode,
  Item,
  LoadOptions,
  LoadResult,
  MockItem,
  ServiceItem,
  Step,
  Test,
  ValidateResult,
} from '@dokkimi/resolver'
export { DokkimiError, isDokkimiError, type DokkimiErrorCode } from './errors.js'
