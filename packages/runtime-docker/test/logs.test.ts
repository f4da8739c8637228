import { describe, expect, it } from 'vitest'
import { LogDemuxer } from '../src/_logs.js'

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text)
  const head = Buffer.alloc(8)
  head[0] = stream
  head.writeUInt32BE(payload.length, 4)
  return Buffer.concat([head, payload])
}

describe('log demuxer', () => {
  it('splits multiplexed frames into stdout/stderr lines, across chunk and frame boundaries', () => {
    const lines: string[] = []
    const demux = new LogDemuxer((stream, line) => lines.push(`${stream}: ${line}`))
    const bytes = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err 1\r\n'), frame(1, 'o\nthree'), frame(2, 'err 2')])
    // Feed it one byte at a time: headers and lines are cut everywhere.
    for (let i = 0; i < bytes.length; i++) demux.push(bytes.subarray(i, i + 1))
    expect(lines).toEqual(['stdout: one', 'stderr: err 1', 'stdout: two'])
    demux.flush()
    expect(lines).toEqual(['stdout: one', 'stderr: err 1', 'stdout: two', 'stdout: three', 'stderr: err 2'])
  })
})
