import { runtimeConformance } from '@dokkimi/core/testing'
import { dockerTestsEnabled } from '@dokkimi/test-utils'
import { afterEach, describe, expect } from 'vitest'
import { docker } from '../src/index.js'
import { echoImage, leftovers, testImageMap } from './_helpers.js'

const enabled = dockerTestsEnabled()
const image = enabled ? await echoImage() : ''

describe.runIf(enabled)('docker runtime', async () => {
  await runtimeConformance(() => docker({ images: testImageMap() }), {
    echoImage: image,
    additionalTests: () => {
      afterEach(async () => {
        expect(await leftovers()).toEqual([])
      })
    },
  })
})
