import { defineConfig } from 'tsup'
import { baseConfig } from '../../tsup.config.base'

export default defineConfig({
  ...baseConfig,
  entry: { index: 'src/index.ts', setup: 'src/setup.ts', 'global-setup': 'src/global-setup.ts', 'global-teardown': 'src/global-teardown.ts', reaper: 'src/reaper.ts' },
  // Jest's module registry supplies @jest/globals inside test files; it is never bundled.
  external: ['@jest/globals'],
})
