// `@dokkimi/core/testing`: the reference runtime and the conformance suite every runtime runs.
export { memoryRuntime, type MemoryResponse, type MemoryRuntimeOptions, type MemoryServiceContext } from './memory-runtime.js'
export { runtimeConformance, type ConformanceOptions } from './runtime-conformance.js'
export { echoService } from './echo-service.js'
