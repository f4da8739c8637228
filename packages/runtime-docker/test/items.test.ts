// Item kinds beyond the e2e: redis and mysql with credentials, postgres without (noAuth), a WORKER
// with a mounted file, and resource limits.
import { createEnvironment, runSteps } from '@dokkimi/core'
import { dockerTestsEnabled } from '@dokkimi/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { docker } from '../src/index.js'
import { client, definition, echoImage, leftovers, testImageMap } from './_helpers.js'

const enabled = dockerTestsEnabled()
const image = enabled ? await echoImage() : ''

describe.runIf(enabled)('docker runtime: item kinds', () => {
  afterEach(async () => {
    expect(await leftovers()).toEqual([])
  })

  it('starts redis, mysql and postgres (noAuth) ready for authenticated queries, and a worker with files and limits', { timeout: 180_000 }, async () => {
    const worker = `const fs = require('fs'); console.log('greeting: ' + fs.readFileSync('/data/greeting.txt', 'utf8').trim()); setInterval(() => {}, 60000)`
    const def = definition({
      'init/shop.sql': "CREATE TABLE products (sku VARCHAR(20) PRIMARY KEY, stock INT);\nINSERT INTO products VALUES ('W-1', 50);\n",
      'greeting.txt': 'hello from a mounted file\n',
      'dokkimi.yaml': `
name: items
config: { timeoutSeconds: 120 }
items:
  - { type: DATABASE, name: cache, database: redis }
  - { type: DATABASE, name: shop, database: mysql, initFilePath: init/shop.sql }
  - { type: DATABASE, name: open, database: postgres, noAuth: true }
  - type: WORKER
    name: mailer
    image: '${image}'
    command: [node, -e, ${JSON.stringify(worker)}]
    mountFiles: [{ source: greeting.txt, target: /data/greeting.txt }]
    maxMemory: 128
    minMemory: 64
    maxCpu: 0.5
    minCpu: 0.25
`,
    })
    const lines: string[] = []
    await using env = await createEnvironment(def, { runtime: docker({ images: testImageMap() }) })
    env.runtimeEnvironment.onConsole((l) => lines.push(`${l.item}/${l.stream}: ${l.line}`))
    const r = await runSteps(
      env,
      [
        { name: 'redis', action: { type: 'dbQuery', database: 'cache', query: 'SET k v' } },
        { name: 'mysql', action: { type: 'dbQuery', database: 'shop', query: "SELECT stock FROM products WHERE sku = 'W-1'" } },
        { name: 'postgres', action: { type: 'dbQuery', database: 'open', query: 'SELECT current_user AS who' } },
      ] as never,
      {},
    )
    expect(r.steps.map((s) => [s.name, s.status, s.error?.message])).toEqual([
      ['redis', 'passed', undefined],
      ['mysql', 'passed', undefined],
      ['postgres', 'passed', undefined],
    ])
    expect((r.steps[1]!.response as { data: unknown[] }).data).toEqual([{ stock: 50 }])
    expect((r.steps[2]!.response as { data: unknown[] }).data).toEqual([{ who: 'postgres' }])
    expect(env.ledger.consoleLogs.map((l) => `${l.service}: ${l.message}`)).toContain('mailer: greeting: hello from a mounted file')
    expect(Object.keys(env.runtimeEnvironment.databases).sort()).toEqual(['cache', 'open', 'shop'])
    for (const { host } of Object.values(env.runtimeEnvironment.databases)) expect(host).toBe('127.0.0.1')

    const [mailer] = await client.listContainers({ filters: { label: [`dokkimi.run=${env.runId}`, 'dokkimi.item=mailer'] } })
    const info = await client.getContainer(mailer!.Id).inspect()
    expect(info.HostConfig).toMatchObject({ Memory: 128 * 1024 * 1024, MemoryReservation: 64 * 1024 * 1024, NanoCpus: 5e8, CpuShares: 256 })
    expect(info.Config.Env).toEqual(expect.arrayContaining(['NODE_EXTRA_CA_CERTS=/etc/dokkimi/ca.pem', 'SSL_CERT_FILE=/etc/dokkimi/ca.pem']))
    expect(info.Config.Labels).toMatchObject({
      'dokkimi.run': env.runId,
      'dokkimi.definition': 'items',
      'dokkimi.item': 'mailer',
      'dokkimi.owner-pid': String(process.pid),
      'dokkimi.owner-host': expect.any(String),
      'dokkimi.created-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
  })
})
