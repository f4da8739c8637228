// A debug-style logger (STYLE.md rule 17): silent unless DEBUG names the namespace, e.g.
// `DEBUG=dokkimi*` or `DEBUG=dokkimi:core,dokkimi:runtime:docker`. Writes to stderr.
import { format } from 'node:util'

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  readonly namespace: string
  readonly enabled: boolean
  trace(message: string, ...args: unknown[]): void
  debug(message: string, ...args: unknown[]): void
  info(message: string, ...args: unknown[]): void
  warn(message: string, ...args: unknown[]): void
  error(message: string, ...args: unknown[]): void
  /** A logger whose lines carry a resource prefix, e.g. the environment or item name. */
  child(prefix: string): Logger
}

function patterns(): RegExp[] {
  return (process.env.DEBUG ?? '')
    .split(/[\s,]+/)
    .filter((p) => p && !p.startsWith('-'))
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`))
}

/** Creates a logger for `namespace` (`dokkimi:core`, `dokkimi:runtime:docker`, ...). */
export function createLogger(namespace: string, prefix = ''): Logger {
  const enabled = patterns().some((p) => p.test(namespace))
  const write = (level: LogLevel) => (message: string, ...args: unknown[]) => {
    if (!enabled) return
    process.stderr.write(`${new Date().toISOString()} ${namespace} ${level.toUpperCase()} ${prefix ? `[${prefix}] ` : ''}${format(message, ...args)}\n`)
  }
  return {
    namespace,
    enabled,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (p) => createLogger(namespace, prefix ? `${prefix}/${p}` : p),
  }
}
