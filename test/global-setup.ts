// Vitest global setup: the Docker runtime runs the interceptor from its bundled program
// (packages/interceptor/dist/interceptor.mjs), and Jest loads @dokkimi/jest-preset and the
// packages it uses from dist. One build of the preset and its dependencies (the interceptor among
// them) covers both; it runs once, before any test file, when a dist is missing or older than its
// sources, so tests never run stale code and no two files build at once.
import { ensureBuilt } from '../packages/jest-preset/test/_build.js'

export default function setup(): void {
  ensureBuilt()
}
