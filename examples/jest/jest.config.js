/** @type {import('jest').Config} */
export default {
  preset: '@dokkimi/jest-preset',
  testMatch: ['<rootDir>/flows/**/*.test.ts'],
  // TypeScript flows run as ESM (node --experimental-vm-modules, see package.json).
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '\\.ts$': '<rootDir>/ts-transform.js' },
}
