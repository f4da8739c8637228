// The only module that writes to the terminal (STYLE.md rule 17).
import { stderr, stdout } from 'node:process'

export interface Terminal {
  out(text: string): void
  err(text: string): void
  color: boolean
}

export function useColor(stream: NodeJS.WriteStream = stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY) && env.TERM !== 'dumb'
}

export const terminal: Terminal = {
  out: (text) => void stdout.write(`${text}\n`),
  err: (text) => void stderr.write(`${text}\n`),
  color: useColor(),
}
