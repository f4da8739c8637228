// A tiny structured logger: one JSON line per event on stderr. Level from DOKKIMI_INTERCEPTOR_LOG.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug'

/** Receives the interceptor's log events; `fields` never contain bodies or headers. */
export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  debug(msg: string, fields?: Record<string, unknown>): void
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 }

function levelFromEnv(value = process.env.DOKKIMI_INTERCEPTOR_LOG): LogLevel {
  const v = value?.trim().toLowerCase()
  return v === 'error' || v === 'warn' || v === 'info' || v === 'debug' ? v : 'info'
}

export function createLogger(
  level: LogLevel = levelFromEnv(),
  write: (line: string) => void = (line) => void process.stderr.write(line),
): Logger {
  const max = RANK[level]
  const log = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] > max) return
    let line: string
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg })
    }
    write(line + '\n')
  }
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') }
}
