import { describe, expect, test } from 'vitest'
import { BodyView, MockTable, compilePath } from '../src/_mocks.js'
import type { MockRule } from '../src/index.js'
import { call, start, waitForRecords } from './_helpers.js'
import type { Logger } from '../src/index.js'

const warnings: string[] = []
const logger: Logger = { error: () => undefined, warn: (msg) => void warnings.push(msg), info: () => undefined, debug: () => undefined }

function rule(name: string, fields: Partial<MockRule> = {}): MockRule {
  return { name, target: '*', path: '*', method: '*', origin: '*', status: 200, delayMs: 0, ...fields }
}

function pick(rules: MockRule[], q: { host?: string; port?: number; path?: string; method?: string; origin?: string; body?: string }): string | undefined {
  const table = new MockTable(rules, logger)
  const c = table.candidates({ host: q.host ?? 'api.example.com', port: q.port ?? 443, path: q.path ?? '/', method: q.method ?? 'GET', origin: q.origin ?? 'svc' })
  return table.select(c, new BodyView(Buffer.from(q.body ?? '')))?.rule.name
}

describe('path patterns', () => {
  test.each([
    ['*', '/anything/at/all', true],
    ['/*', '/anything/at/all', true],
    ['/*', '/', true],
    ['/v1/charges', '/v1/charges', true],
    ['/v1/charges', '/v1/charges/', true],
    ['/v1/charges', '/v1/charges/x', false],
    ['/v1/charges', '/V1/charges', false],
    ['/api/*', '/api/x/y', true],
    ['/api/*', '/api', true],
    ['/api/*', '/api/', true],
    ['/api/*', '/apix', false],
    ['/api*', '/apikeys/1', true],
    ['/v1/users/:id', '/v1/users/42', true],
    ['/v1/users/{id}', '/v1/users/42', true],
    ['/v1/users/:id', '/v1/users/42/orders', false],
    ['/v1/users/:id', '/v1/users/', false],
    ['/v1/*/charges', '/v1/acct_1/charges', true],
    ['/v1/*/charges', '/v1/a/b/charges', false],
    ['/2010-04-01/Accounts/*/Messages.json', '/2010-04-01/Accounts/AC123/Messages.json', true],
    ['/users/:id/*', '/users/7/orders/1', true],
    ['/x?ignored=1', '/x', true],
  ])('%s vs %s → %s', (pattern, path, expected) => {
    expect(compilePath(pattern).test(path)).toBe(expected)
  })
})

describe('rule matching and specificity', () => {
  test('target: exact and case-sensitive, port only when the rule names one, * for any', () => {
    expect(pick([rule('a', { target: 'api.example.com' })], {})).toBe('a')
    expect(pick([rule('a', { target: 'API.example.com' })], {})).toBeUndefined()
    expect(pick([rule('a', { target: 'api.example.com:8443' })], { port: 443 })).toBeUndefined()
    expect(pick([rule('a', { target: 'api.example.com:8443' })], { port: 8443 })).toBe('a')
    expect(pick([rule('a', { target: '*' })], { host: 'whatever' })).toBe('a')
  })

  test('method is case-insensitive; origin must equal the caller unless * or empty', () => {
    expect(pick([rule('a', { method: 'post' })], { method: 'POST' })).toBe('a')
    expect(pick([rule('a', { method: 'POST' })], { method: 'GET' })).toBeUndefined()
    expect(pick([rule('a', { origin: 'order-service' })], { origin: 'order-service' })).toBe('a')
    expect(pick([rule('a', { origin: 'order-service' })], { origin: 'other' })).toBeUndefined()
    expect(pick([rule('a', { origin: '' })], { origin: 'other' })).toBe('a')
  })

  test('bodyContains is a case-insensitive substring; bodyMatches a regex; an invalid regex never matches', () => {
    expect(pick([rule('a', { bodyContains: 'Classify THIS' })], { body: '{"prompt":"please classify this ticket"}' })).toBe('a')
    expect(pick([rule('a', { bodyContains: 'nope' })], { body: 'classify' })).toBeUndefined()
    expect(pick([rule('a', { bodyMatches: '"tool":\\s*"send_email"' })], { body: '{"tool":  "send_email"}' })).toBe('a')
    expect(pick([rule('a', { bodyMatches: 'SEND' })], { body: 'send' })).toBeUndefined()
    expect(pick([rule('a', { bodyMatches: '(?i)SEND' })], { body: 'send' })).toBe('a')
    warnings.length = 0
    expect(pick([rule('a', { bodyMatches: '([' })], { body: '([' })).toBeUndefined()
    expect(warnings).toEqual(['mock: invalid bodyMatches, the rule never matches'])
  })

  test('body matchers only see the first 1 MiB', () => {
    const body = 'x'.repeat(1024 * 1024) + 'needle'
    expect(pick([rule('a', { bodyContains: 'needle' })], { body })).toBeUndefined()
  })

  test('exact path beats :param beats mid * beats prefix beats *', () => {
    const rules = [rule('any'), rule('prefix', { path: '/v1/*' }), rule('mid', { path: '/v1/*/charges' }), rule('param', { path: '/v1/:acct/charges' }), rule('exact', { path: '/v1/acct_1/charges' })]
    expect(pick(rules, { path: '/v1/acct_1/charges' })).toBe('exact')
    expect(pick(rules, { path: '/v1/acct_2/charges' })).toBe('param')
    expect(pick(rules.filter((r) => r.name !== 'param'), { path: '/v1/acct_2/charges' })).toBe('mid')
    expect(pick(rules, { path: '/v1/acct_2/refunds' })).toBe('prefix')
    expect(pick(rules, { path: '/v2' })).toBe('any')
  })

  test('then target beats *, method beats *, origin beats any, body matcher beats none; ties go to the first declared', () => {
    expect(pick([rule('any-host'), rule('host', { target: 'api.example.com' })], {})).toBe('host')
    expect(pick([rule('any-method'), rule('method', { method: 'GET' })], {})).toBe('method')
    expect(pick([rule('any-origin'), rule('origin', { origin: 'svc' })], {})).toBe('origin')
    expect(pick([rule('fallback'), rule('body', { bodyContains: 'vip' })], { body: 'vip customer' })).toBe('body')
    expect(pick([rule('fallback'), rule('body', { bodyContains: 'vip' })], { body: 'regular' })).toBe('fallback')
    expect(pick([rule('first', { path: '/a/:x' }), rule('second', { path: '/a/:y' })], { path: '/a/1' })).toBe('first')
    // Path specificity comes before target specificity.
    expect(pick([rule('host-prefix', { target: 'api.example.com', path: '/*' }), rule('any-exact', { path: '/v1' })], { path: '/v1' })).toBe('any-exact')
    // Between two prefixes the longer one is more specific.
    expect(pick([rule('short', { path: '/api/*' }), rule('long', { path: '/api/v1/*' })], { path: '/api/v1/x' })).toBe('long')
  })

  test('nearest mock: same host first, then a similar host name', () => {
    const table = new MockTable([rule('stripe-charges', { target: 'api.stripe.com', path: '/v1/charges' }), rule('twilio', { target: 'api.twilio.com', path: '/x' })], logger)
    expect(table.nearest('api.stripe.com', '/v1/refunds', 'POST')?.name).toBe('stripe-charges')
    expect(table.nearest('api.strpe.com', '/v1/charges', 'POST')?.name).toBe('stripe-charges')
    expect(table.nearest('files.stripe.com', '/', 'GET')?.name).toBe('stripe-charges')
    expect(table.nearest('example.org', '/', 'GET')).toBeUndefined()
  })
})

describe('mock responses through the interceptor', () => {
  test('status, headers and body; strings as is, JSON as application/json; X-Mocked', async () => {
    const i = await start({
      topology: [{ name: 'order-service', addresses: ['127.0.0.2'] }],
      mocks: [
        rule('json', { target: 'api.stripe.com', path: '/v1/charges', method: 'POST', status: 201, headers: { 'X-Request-Id': 'req_1' }, body: { id: 'ch_1', amount: 100 } }),
        rule('text', { target: 'api.stripe.com', path: '/v1/text', body: 'plain words', headers: { 'Content-Type': 'text/csv' } }),
        rule('empty', { target: 'api.stripe.com', path: '/v1/empty', status: 204 }),
        rule('redirect', { target: 'auth.example.com', path: '/authorize', status: 302, headers: { Location: 'https://app/cb?code=abc' } }),
        rule('only-orders', { target: 'api.stripe.com', path: '/v1/orders-only', origin: 'order-service', body: 'for orders' }),
      ],
    })
    const json = await call({ port: i.http, from: '127.0.0.2', host: 'api.stripe.com', method: 'POST', path: '/v1/charges?expand=x', body: 'amount=100', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(json.status).toBe(201)
    expect(json.headers['content-type']).toBe('application/json')
    expect(json.headers['x-request-id']).toBe('req_1')
    expect(json.headers['x-mocked']).toBe('true')
    expect(JSON.parse(json.text)).toEqual({ id: 'ch_1', amount: 100 })

    const text = await call({ port: i.http, host: 'api.stripe.com', path: '/v1/text' })
    expect([text.status, text.headers['content-type'], text.text]).toEqual([200, 'text/csv', 'plain words'])
    const empty = await call({ port: i.http, host: 'api.stripe.com', path: '/v1/empty' })
    expect([empty.status, empty.text]).toEqual([204, ''])
    const redirect = await call({ port: i.http, host: 'auth.example.com', path: '/authorize' })
    expect([redirect.status, redirect.headers.location]).toEqual([302, 'https://app/cb?code=abc'])
    expect((await call({ port: i.http, from: '127.0.0.2', host: 'api.stripe.com', path: '/v1/orders-only' })).text).toBe('for orders')
    expect((await call({ port: i.http, from: '127.0.0.5', host: 'api.stripe.com', path: '/v1/orders-only' })).status).toBe(502)

    const list = await waitForRecords(i, 6)
    expect(list[0]).toMatchObject({
      outcome: 'mocked',
      mock: 'json',
      origin: 'order-service',
      url: 'http://api.stripe.com/v1/charges?expand=x',
      request: { encoding: 'form', body: { amount: '100' } },
      response: { status: 201, encoding: 'json', body: { id: 'ch_1', amount: 100 }, headers: { 'x-request-id': 'req_1', 'x-mocked': 'true' } },
    })
    expect(list.map((r) => r.mock)).toEqual(['json', 'text', 'empty', 'redirect', 'only-orders', 'only-orders'])
    expect(list[5]!.outcome).toBe('unmocked')
  })

  test('body-specific mock with a catch-all fallback, across a body larger than one chunk', async () => {
    const i = await start({
      mocks: [rule('fallback', { target: 'llm.example.com', body: 'generic' }), rule('classify', { target: 'llm.example.com', bodyContains: 'classify this ticket', body: 'billing' })],
    })
    const big = 'x'.repeat(200_000)
    const a = await call({ port: i.http, host: 'llm.example.com', method: 'POST', path: '/v1/chat', body: `${big} Classify this ticket ${big}` })
    const b = await call({ port: i.http, host: 'llm.example.com', method: 'POST', path: '/v1/chat', body: 'hello' })
    expect([a.text, b.text]).toEqual(['billing', 'generic'])
    const list = await waitForRecords(i, 2)
    expect(list[0]!.request.size).toBe(400_000 + ' Classify this ticket '.length)
    expect(list[0]!.request.truncated).toBe(false)
  })

  test('delays: the response arrives after delayMs; no delay is fast; close() does not wait for a delay', async () => {
    const i = await start({ mocks: [rule('slow', { target: 'slow.example.com', delayMs: 300, body: 'late' }), rule('fast', { target: 'fast.example.com', body: 'now' })] })
    let t = performance.now()
    expect((await call({ port: i.http, host: 'slow.example.com' })).text).toBe('late')
    expect(performance.now() - t).toBeGreaterThanOrEqual(295)
    t = performance.now()
    expect((await call({ port: i.http, host: 'fast.example.com' })).text).toBe('now')
    expect(performance.now() - t).toBeLessThan(100)

    const j = await start({ mocks: [rule('forever', { delayMs: 60_000 })] })
    const pending = call({ port: j.http, host: 'x' }).catch((error: Error) => error)
    await new Promise((r) => setTimeout(r, 50))
    t = performance.now()
    await j.close()
    expect(performance.now() - t).toBeLessThan(1000)
    expect(await pending).toBeInstanceOf(Error)
  })

  test('a client that goes away during a delay cancels it and is recorded as error', async () => {
    const i = await start({ mocks: [rule('slow', { delayMs: 5_000 })] })
    const controller = new AbortController()
    const pending = fetch(`http://127.0.0.1:${i.http}/`, { headers: { host: 'x' }, signal: controller.signal }).catch(() => 'aborted')
    await new Promise((r) => setTimeout(r, 100))
    controller.abort()
    expect(await pending).toBe('aborted')
    const [record] = await waitForRecords(i, 1)
    expect(record).toMatchObject({ outcome: 'error', mock: 'slow' })
    expect(record!.response).toBeUndefined()
  })

  test('unmocked host → 502 naming the host and the nearest mock, recorded unmocked', async () => {
    const i = await start({ mocks: [rule('mock-stripe', { target: 'api.stripe.com', path: '/v1/charges', method: 'POST' })] })
    const reply = await call({ port: i.http, host: 'api.stripe.com', path: '/v1/refunds', method: 'POST' })
    expect(reply.status).toBe(502)
    const body = JSON.parse(reply.text) as { message: string; host: string; nearestMock: string }
    expect(body.host).toBe('api.stripe.com')
    expect(body.nearestMock).toBe('mock-stripe')
    expect(body.message).toMatchInlineSnapshot(`"[dokkimi] [interceptor] No SERVICE or MOCK matches POST http://api.stripe.com/v1/refunds; external traffic is blocked. Nearest mock: "mock-stripe" (POST api.stripe.com/v1/charges). Add a MOCK for host "api.stripe.com" or set externalTraffic: passthrough."`)
    const other = await call({ port: i.http, host: 'unknown.example.org', path: '/' })
    expect(other.status).toBe(502)
    expect(JSON.parse(other.text).nearestMock).toBeUndefined()
    const list = await waitForRecords(i, 2)
    expect(list[0]).toMatchObject({ outcome: 'unmocked', mock: 'mock-stripe', target: 'api.stripe.com', response: { status: 502 } })
    expect(list[1]).toMatchObject({ outcome: 'unmocked', target: 'unknown.example.org' })
    expect(list[1]!.mock).toBeUndefined()
  })
})
