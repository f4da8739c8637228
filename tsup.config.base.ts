import type { Options } from 'tsup'

/** The one build config every package spreads; packages add only what differs. */
export const baseConfig = {
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // Nothing third-party is bundled into a published package.
  noExternal: [],
} satisfies Options
