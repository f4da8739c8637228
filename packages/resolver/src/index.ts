export { loadDefinitions, type LoadOptions, type LoadResult } from './load-definitions.js'
export { resolveDefinition, resolveDefinitionOrThrow, type ResolveResult } from './resolve-definition.js'
export { resolveDefinitionValue, type BrokerItemInput, type DatabaseItemInput, type DefinitionConfigInput, type MockItemInput, type ResolveValueOptions, type ServiceItemInput, type VariablesInput, type WorkerItemInput } from './resolve-definition-value.js'
export { validate, type ValidateResult } from './validate.js'
export { formatIssue, formatIssues, type FormatOptions } from './format-issues.js'
export { ResolveError, isResolveError } from './resolve-error.js'
export { RULES, type Issue, type IssueCode, type Severity } from './issues.js'
export { definitionSchema, definitionConfigSchema, projectConfigSchema, type DefinitionInput, type ProjectConfigInput } from './schema-definition.js'
export { itemSchema } from './schema-items.js'
export { testSchema, stepSchema, actionSchema, assertionBlockSchema } from './schema-tests.js'
export { assertionSchema, OPERATORS, COUNT_OPERATORS, type Operator } from './schema-assertions.js'
export { generateJsonSchema } from './json-schema.js'
export type {
  Action,
  Assertion,
  AssertionBlock,
  BrokerItem,
  DatabaseItem,
  Definition,
  DefinitionConfig,
  EnvVar,
  FileResult,
  InitFile,
  Item,
  LegacyItem,
  Match,
  MockItem,
  MountFile,
  ServiceItem,
  Step,
  Test,
  WhereEntry,
  WorkerItem,
} from './model.js'
export { DATABASE_DEFAULTS, DEFAULT_BROWSER_VERSION, DEFAULT_TIMEOUT_SECONDS } from './model.js'
