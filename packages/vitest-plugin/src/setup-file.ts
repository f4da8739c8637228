// The setup file the dokkimi() plugin adds to every test file: Dokkimi's matchers on Vitest's expect.
import { dokkimiMatchers } from '@dokkimi/core'
import { expect } from 'vitest'

expect.extend(dokkimiMatchers)
