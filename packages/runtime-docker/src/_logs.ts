// A container's log stream, followed from its start: Docker's multiplexed frames (8-byte header:
// stream type, 3 zero bytes, big-endian length) → stdout/stderr lines, with a partial-line buffer
// per stream and the last lines kept for failure reports. The stream ends when the container stops.
import type { Readable } from 'node:stream'
import type Dockerode from 'dockerode'

export const LAST_LINES = 50

export interface LogFollower {
  /** The last LAST_LINES lines, both streams, in arrival order. */
  lastLines(): string[]
  /** Settles when the stream ends (the container stopped or was removed). */
  readonly ended: Promise<void>
  close(): void
}

type Stream = 'stdout' | 'stderr'

/** Splits Docker's multiplexed log frames and the lines inside them. */
export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0)
  private readonly partial: Record<Stream, string> = { stdout: '', stderr: '' }

  constructor(private readonly onLine: (stream: Stream, line: string) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4)
      if (this.pending.length < 8 + size) break
      const type = this.pending[0]
      const payload = this.pending.subarray(8, 8 + size).toString('utf8')
      this.pending = this.pending.subarray(8 + size)
      // 0 = stdin (never sent by logs), 1 = stdout, 2 = stderr.
      this.text(type === 2 ? 'stderr' : 'stdout', payload)
    }
  }

  /** Emits what is left in the partial-line buffers. */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.onLine(stream, this.partial[stream].replace(/\r$/, ''))
      this.partial[stream] = ''
    }
  }

  private text(stream: Stream, text: string): void {
    const parts = (this.partial[stream] + text).split('\n')
    this.partial[stream] = parts.pop() ?? ''
    for (const line of parts) this.onLine(stream, line.replace(/\r$/, ''))
  }
}

export async function followLogs(container: Dockerode.Container, onLine: (stream: Stream, line: string) => void): Promise<LogFollower> {
  const last: string[] = []
  const demux = new LogDemuxer((stream, line) => {
    last.push(line)
    if (last.length > LAST_LINES) last.shift()
    onLine(stream, line)
  })
  const stream = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable
  const ended = new Promise<void>((resolve) => {
    const done = () => {
      demux.flush()
      resolve()
    }
    stream.on('data', (chunk: Buffer) => demux.push(chunk))
    stream.once('end', done)
    stream.once('close', done)
    stream.once('error', done)
  })
  return {
    lastLines: () => [...last],
    ended,
    close: () => stream.destroy(),
  }
}
