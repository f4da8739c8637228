import { defineConfig } from 'tsup'
import { baseConfig } from '../../tsup.config.base'

export default defineConfig([
  // Keep the program file: both builds run at the same time.
  { ...baseConfig, clean: ['!interceptor.mjs'] },
  {
    // The program that runs in the interceptor container: one self-contained file.
    ...baseConfig,
    entry: { interceptor: 'src/main.ts' },
    dts: false,
    clean: false,
    sourcemap: false,
    splitting: false,
    noExternal: [/.*/],
    outExtension: () => ({ js: '.mjs' }),
  },
])
