// Jest setup file (setupFilesAfterEnv of the preset): registers Dokkimi's matchers.
import { expect } from '@jest/globals'
import { dokkimiMatchers } from '@dokkimi/core'

expect.extend(dokkimiMatchers)
