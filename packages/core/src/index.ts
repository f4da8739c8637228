// @dokkimi/core: load definitions, start isolated environments, run steps, assert on captured traffic.
export {
  formatIssue,
  formatIssues,
  generateJsonSchema,
  isResolveError,
  loadDefinitions,
  resolveDefinition,
  resolveDefinitionOrThrow,
  resolveDefinitionValue,
  ResolveError,
  validate,
} from '@dokkimi/resolver'
export type {
  Action,
  Assertion,
  AssertionBlock,
  BrokerItemInput,
  DatabaseItem,
  DatabaseItemInput,
  Definition,
  DefinitionConfigInput,
  EnvVar,
  FileResult,
  Issue,
  IssueCode,
  Item,
  LoadOptions,
  LoadResult,
  MockItem,
  MockItemInput,
  ResolveResult,
  ResolveValueOptions,
  ServiceItem,
  ServiceItemInput,
  Step,
  Test,
  ValidateResult,
  VariablesInput,
  WorkerItemInput,
} from '@dokkimi/resolver'
export type { TrafficRecord, TrafficOutcome, MockRule } from '@dokkimi/interceptor'
export { DokkimiError, isDokkimiError, type DokkimiErrorCode } from './errors.js'
export { createLogger, type Logger, type LogLevel } from './logger.js'
export {
  defineRuntime,
  type BootEvent,
  type ConsoleLine,
  type EnvironmentPlan,
  type PlannedDatabase,
  type PlannedFile,
  type PlannedItem,
  type PlannedService,
  type PlannedWorker,
  type ReadyCheck,
  type Runtime,
  type RuntimeEnvironment,
  type RuntimeFactory,
  type RuntimeFlags,
  type StartOptions,
  type SweepOptions,
  type SweepResult,
} from './runtime/runtime.js'
export { loadRuntime, RUNTIMES, type LoadRuntimeOptions } from './runtime/load-runtime.js'
export { sweepSession, type SweepSessionOptions } from './runtime/sweep-session.js'
export { createCertificateAuthority, type CertificateAuthority } from './environment/certificate-authority.js'
export { createRunId, planEnvironment } from './environment/plan-environment.js'
export { createEnvironment, StartedEnvironment, type CreateEnvironmentOptions, type StoppedEnvironment } from './environment/create-environment.js'
export { TrafficLedger, DEFAULT_QUIET_MS, DEFAULT_SETTLE_DEADLINE_MS, type SettleOptions } from './environment/traffic-ledger.js'
export { runSteps, type RunStepsOptions, type RunStepsResult, type StepEnvironment, type StepEvent } from './steps/run-steps.js'
export { DefinitionSession, runDefinition, startDefinition, type RunDefinitionOptions, type RunEvent } from './steps/run-definition.js'
export type { DefinitionResult, ErrorInfo, Status, StepResult, TestResult } from './steps/results.js'
export { assert } from './assert/assert.js'
export { evaluateAssertion } from './assert/evaluate-assertion.js'
export { runExtract } from './assert/extract.js'
export { openDatabase, type DatabaseClient, type DbEndpoint, type DbResponse } from './db/open-database.js'
export { resolvePath } from './assert/resolve-path.js'
export { applyOperator } from './assert/apply-operator.js'
export type { AssertContext, AssertionResult, BlockResult, ClosestCall, ConsoleLogEntry, RootContext, TrafficEntry } from './assert/types.js'
export { interpolateString, interpolateValue, lookupVariable, renderValue } from './variables/interpolate.js'
export { formatCall, formatClosestCalls, formatFailures, formatMatchedCalls, formatTestFailure, formatTimeline, type FailureDefinition, type FailureOptions } from './report/format-failures.js'
export { formatDuration, paint, showValue, truncate, type Paint } from './report/style.js'
export { defineEnvironment, type EnvironmentSpec, type EnvironmentSpecInput } from './flow/define-environment.js'
export {
  fromYaml,
  mock,
  mongodb,
  mysql,
  postgres,
  redis,
  service,
  worker,
  type DatabaseOptions,
  type EnvInput,
  type EnvironmentItem,
  type MockItemOptions,
  type MockRuleOptions,
  type ServiceOptions,
  type WorkerOptions,
  type YamlItemRef,
} from './flow/items.js'
export { resolveEnvironmentSpec } from './flow/resolve-environment-spec.js'
export { startEnvironment, type StartEnvironmentOptions } from './flow/start-environment.js'
export { FlowEnvironment, type FlowDatabase, type FlowHttp, type FlowRequestInit, type FlowStep, type FlowTraffic, type HttpResponse, type WindowOptions } from './flow/flow-environment.js'
export type { CallQuery } from './flow/_call-query.js'
export { dokkimiMatchers, type DokkimiMatchers, type MatcherResult, type MatcherState } from './flow/matchers.js'
