// The Jest preset (`preset: '@dokkimi/jest-preset'`): built global setup/teardown and matchers.
import { fileURLToPath, URL } from 'node:url'

const dist = (file) => fileURLToPath(new URL(`./dist/${file}`, import.meta.url))

export default {
  globalSetup: dist('global-setup.js'),
  globalTeardown: dist('global-teardown.js'),
  setupFilesAfterEnv: [dist('setup.js')],
  // Environments take seconds to boot; a jest.config value wins.
  testTimeout: 300_000,
}
