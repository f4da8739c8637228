import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@dokkimi/source'] },
  ssr: { resolve: { conditions: ['@dokkimi/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/*/src/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    restoreMocks: true,
    mockReset: true,
    unstubEnvs: true,
    retry: process.env.CI ? 1 : 0,
    testTimeout: 20_000,
  },
})
