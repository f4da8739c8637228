// The memory runtime is the reference implementation: it passes the same suite as Docker.
import { echoService } from './echo-service.js'
import { memoryRuntime } from './memory-runtime.js'
import { runtimeConformance } from './runtime-conformance.js'

await runtimeConformance(() => memoryRuntime({ services: { 'dokkimi-fixtures/echo:1': echoService } }), { echoImage: 'dokkimi-fixtures/echo:1', timeoutMs: 20_000 })
