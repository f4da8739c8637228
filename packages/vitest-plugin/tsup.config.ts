import { defineConfig } from 'tsup'
import { baseConfig } from '../../tsup.config.base'

// Vitest loads the global setup, the setup file and the watchdog by path, so each is an entry.
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/global-setup.ts', 'src/setup-file.ts', 'src/_watchdog.ts'] })
