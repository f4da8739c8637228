// Text helpers every report shares (core's failure text, the CLI's progress and summary).

export interface Paint {
  green(s: string): string
  red(s: string): string
  yellow(s: string): string
  cyan(s: string): string
  dim(s: string): string
  bold(s: string): string
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`

/** ANSI colour functions, or identity functions when `color` is false. */
export function paint(color: boolean): Paint {
  if (!color) {
    const id = (s: string) => s
    return { green: id, red: id, yellow: id, cyan: id, dim: id, bold: id }
  }
  return { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22) }
}

/** `123 ms` below a second, `1.2 s` below a minute, `2 m 05 s` above. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`
}

/** Cuts `text` to `max` characters with an ellipsis; newlines become `⏎`. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\r?\n/g, '⏎')
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/** A value as it appears in a report: JSON for strings and structures, cut to `max` characters. */
export function showValue(value: unknown, max = 100): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (value instanceof RegExp) return String(value)
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return truncate(text, max)
}
