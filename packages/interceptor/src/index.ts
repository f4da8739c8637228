export { startInterceptor } from './start-interceptor.js'
export type { RunningInterceptor, StartInterceptorOptions } from './start-interceptor.js'
export type { Logger, LogLevel } from './_logger.js'
export type * from './types.js'
