// One line per event on stdout (INFO) or stderr (WARN, ERROR). Dokkimi captures every line a
// container prints and infers the level from the `[LEVEL]` tag (F-245), so definitions can assert
// on these lines through `$.consoleLogs`.

type Level = 'INFO' | 'WARN' | 'ERROR'

function write(level: Level, message: string): void {
  const line = `[${level}] ${message}\n`
  if (level === 'INFO') process.stdout.write(line)
  else process.stderr.write(line)
}

export const log = {
  info: (message: string): void => write('INFO', message),
  warn: (message: string): void => write('WARN', message),
  error: (message: string): void => write('ERROR', message),
}

/** The message of anything thrown, with its cause (fetch errors hide the reason there). */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message}${cause}`
}
