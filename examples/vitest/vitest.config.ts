import { dokkimi } from '@dokkimi/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [dokkimi()],
  // Workspace packages from their TypeScript sources, so the example runs without a build.
  resolve: { conditions: ['@dokkimi/source'] },
  ssr: { resolve: { conditions: ['@dokkimi/source'] } },
  test: { include: ['flows/**/*.test.ts'] },
})
