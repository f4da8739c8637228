// The only module that writes to the terminal (STYLE.md rule 17).
import { stderr, stdout } from 'node:process'

export interface Terminal {
  out(text: string): void
  err(text: string): void
  color: boolean
  /** stdout is a terminal that can be redrawn. */
  interactive: boolean
  /** Width of stdout, 80 when unknown. */
  columns(): number
  /**
   * Replaces the block drawn by the previous `live()` call with `lines` (a TTY only); `out()` and
   * `err()` print above it and redraw it. `live([])` ends the block.
   */
  live(lines: readonly string[]): void
}

export function useColor(stream: NodeJS.WriteStream = stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY) && env.TERM !== 'dumb'
}

/** Cuts `line` to `width` visible characters, keeping ANSI colour sequences intact. */
export function fitLine(line: string, width: number): string {
  let visible = 0
  let out = ''
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\u001b' && line[i + 1] === '[') {
      const end = line.indexOf('m', i)
      if (end > 0) {
        out += line.slice(i, end + 1)
        i = end
        continue
      }
    }
    if (visible >= width - 1) return `${out}…\u001b[0m`
    out += line[i]
    visible++
  }
  return out
}

let drawn: string[] = []

function clearLive(): void {
  if (drawn.length > 0) stdout.write(`\u001b[${drawn.length}F\u001b[0J`)
}

function drawLive(): void {
  if (drawn.length > 0) stdout.write(`${drawn.join('\n')}\n`)
}

const around = (write: () => void) => {
  clearLive()
  write()
  drawLive()
}

export const terminal: Terminal = {
  out: (text) => around(() => stdout.write(`${text}\n`)),
  err: (text) => around(() => stderr.write(`${text}\n`)),
  color: useColor(),
  interactive: Boolean(stdout.isTTY),
  columns: () => stdout.columns || 80,
  live(lines) {
    const width = terminal.columns()
    clearLive()
    drawn = lines.map((l) => fitLine(l, width))
    drawLive()
  },
}
