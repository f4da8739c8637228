// The report files of a real `dokkimi run` on the checkout runtime: the JUnit XML validates against
// fixtures/junit.xsd with libxml2, and the JSON report and `dokkimi dump` round-trip.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definitions, items } from './_checkout.js'
import { checkoutRuntime, dokkimi } from './_cli.js'
import { junitSchemaErrors } from './_junit-schema.js'
import { parseXml, type XmlElement } from './_xml.js'

const long = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ')
const tricky = {
  definition: 'tricky ]]> ünïcødé ✓ 😀',
  test: 'CDATA end ]]> <![CDATA[ & a bell \u0007, \u0001 and \u001b 😀',
  step: `<step> & "quotes" ' ]]> ${long}`,
  expected: `]]> <![CDATA[ x ]]> & \u0007 ünï 😀 ${long}`,
}
const broken = 'broken — ünï ]]>'
// JSON strings are valid YAML double-quoted scalars, escapes included.
const q = (s: string) => JSON.stringify(s)

let root: string
let run: ReturnType<typeof dokkimi>
let junitText: string
let report: Record<string, unknown> & { definitions: Array<{ name: string; status: string; tests: Array<{ name: string }> }> }

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dokkimi-report-files-'))
  mkdirSync(join(root, '.dokkimi'))
  const files: Record<string, string> = {
    ...definitions,
    'broken.yaml': definitions['checkout-happy-path.yaml'].replace('name: checkout-happy-path', `name: ${q(broken)}`).replace("'orders:test'", "'orders:missing'"),
    'tricky.yaml': `name: ${q(tricky.definition)}
${items()}tests:
  - name: ${q(tricky.test)}
    steps:
      - name: ${q(tricky.step)}
        action: { type: httpRequest, method: POST, url: order-service/api/orders, body: { quantity: 2, price: 1249 } }
        assertions:
          - assertions:
              - { path: $.response.body.status, operator: eq, value: ${q(tricky.expected)} }
`,
  }
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, '.dokkimi', file), text)
  run = dokkimi(['run', '.dokkimi', '--runtime', checkoutRuntime, '--junit', 'reports/junit.xml', '--json', 'reports/run.json'], root)
  junitText = readFileSync(join(root, 'reports/junit.xml'), 'utf8')
  report = JSON.parse(readFileSync(join(root, 'reports/run.json'), 'utf8'))
}, 90_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

// Every `path: type` of a JSON value, array positions folded into `[]`.
function jsonShape(value: unknown, path = '$', out = new Set<string>()): Set<string> {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
  out.add(`${path}: ${type}`)
  if (Array.isArray(value)) for (const v of value) jsonShape(v, `${path}[]`, out)
  else if (type === 'object') for (const [k, v] of Object.entries(value as object)) jsonShape(v, `${path}.${k}`, out)
  return out
}

// Every element path and `path@attribute` of an XML tree.
function xmlShape(e: XmlElement, path = e.name, out = new Set<string>()): Set<string> {
  out.add(path)
  for (const a of Object.keys(e.attributes)) out.add(`${path}@${a}`)
  for (const c of e.children) xmlShape(c, `${path}/${c.name}`, out)
  return out
}

const docBlock = (lang: string) => {
  const doc = readFileSync(new URL('../../../docs/reports.md', import.meta.url), 'utf8')
  return new RegExp(`\u0060{3}${lang}\n([^\u0060]*)\u0060{3}`).exec(doc)![1]!
}

const outcome = (testcase: XmlElement) => testcase.children.find((c) => ['failure', 'error', 'skipped'].includes(c.name))?.name ?? 'passed'

describe('the run', () => {
  it('passes, fails, skips and errors, and exits 1', () => {
    expect(run.stderr).toBe('')
    expect(run.code).toBe(1)
    expect(report).toMatchObject({ targets: ['.dokkimi'], status: 'failed', summary: { passed: 1, failed: 3, errored: 1, tests: { passed: 1, failed: 3, skipped: 2 } } })
    expect(report.definitions.map((d) => `${d.name}: ${d.status}`)).toEqual([`${broken}: error`, 'checkout-happy-path: passed', 'checkout-refund: failed', 'checkout-wrong-total: failed', `${tricky.definition}: failed`])
  })
})

describe('JUnit XML of the run', () => {
  it('validates against the JUnit schema with no error', async () => {
    expect(await junitSchemaErrors(junitText)).toEqual([])
  })

  it('has a suite per definition and every kind of case', () => {
    const xml = parseXml(junitText)
    expect(xml.name).toBe('testsuites')
    expect(xml.children.map((s) => [s.attributes.name, s.children.filter((c) => c.name === 'testcase').map(outcome).join(' ')])).toEqual([
      [broken, 'error'],
      ['checkout-happy-path', 'passed'],
      ['checkout-refund', 'failure'],
      ['checkout-wrong-total', 'failure skipped'],
      [tricky.definition, 'failure'],
    ])
  })

  it('carries tricky text: `]]>`, markup, non-ASCII kept; control characters replaced; long messages cut in the attribute only', () => {
    expect([...junitText].filter((c) => c < ' ' && !'\t\n\r'.includes(c))).toEqual([])
    const suite = parseXml(junitText).children.at(-1)!
    expect(suite.attributes.name).toBe(tricky.definition)
    const testcase = suite.children.find((c) => c.name === 'testcase')!
    expect(testcase.attributes.name).toBe('CDATA end ]]> <![CDATA[ & a bell \uFFFD, \uFFFD and \uFFFD 😀')
    const failure = testcase.children[0]!
    expect(failure.attributes.type).toBe('ASSERTION_FAILED')
    expect(failure.attributes.message).toHaveLength(500)
    expect(failure.attributes.message!.startsWith(`${tricky.step.slice(0, 100)}`)).toBe(true)
    expect(failure.attributes.message!.endsWith('…')).toBe(true)
    expect(failure.text).toContain(`✗ ${tricky.definition} › ${testcase.attributes.name} › ${tricky.step}\n`)
    expect(failure.text).toContain(`expected: ${JSON.stringify(tricky.expected).slice(0, 60)}`)
  })

  it('the validator is live: broken variants of the same file are rejected', async () => {
    // The first thing xmllint reports, without the line number.
    const firstError = async (xml: string) => (await junitSchemaErrors(xml))[0]?.replace(/^junit\.xml:\d+: /, '')
    const afterRoot = junitText.indexOf('\n', junitText.indexOf('<testsuites'))
    expect(await firstError(junitText.replace(/<testcase name="[^"]*"/, '<testcase'))).toBe("Schemas validity error : Element 'testcase': The attribute 'name' is required but missing.")
    expect(await firstError(`${junitText.slice(0, afterRoot)}\n<testcase name="stray"/>${junitText.slice(afterRoot)}`)).toBe("Schemas validity error : Element 'testcase': This element is not expected. Expected is ( testsuite ).")
    expect(await firstError(junitText.replace(' failures="0"', ' failures="-1"'))).toBe("Schemas validity error : Element 'testsuite', attribute 'failures': '-1' is not a valid value of the atomic type 'xs:nonNegativeInteger'.")
    expect(await firstError(junitText.replace(/ time="[^"]*"/, ' time="-1"'))).toBe("Schemas validity error : Element 'testsuites', attribute 'time': [facet 'minInclusive'] The value '-1' is less than the minimum value allowed ('0').")
    expect(await firstError(junitText.replace('</failure>', '</failure><skipped/>'))).toBe("Schemas validity error : Element 'skipped': This element is not expected. Expected is one of ( system-out, system-err ).")
    // What the escaping is for: the same text left raw is not even well-formed.
    expect(await firstError(junitText.replace(`"quotes" ' ]]&gt;`, `"quotes" ' ]]>`))).toBe("parser error : Sequence ']]>' not allowed in content")
    expect(await firstError(junitText.replace('\uFFFD', '\u0007'))).toBe('parser error : invalid character in attribute value')
    expect(await firstError(junitText.replace('&lt;step&gt;', '<step>'))).toBe("parser error : Unescaped '<' not allowed in attributes values")
  })
})

describe('JSON report and dump of the run', () => {
  it('keep every string as it was, control characters included', () => {
    const d = report.definitions.at(-1)!
    expect(d.name).toBe(tricky.definition)
    expect(d.tests[0]!.name).toBe(tricky.test)
    expect(JSON.stringify(report)).toContain(JSON.stringify(tricky.expected).slice(1, -1))
  })

  it('dump prints the run that --json wrote, and its text round-trips through JSON.parse', () => {
    const all = dokkimi(['dump'], root)
    expect(all.code).toBe(0)
    const dumped: unknown = JSON.parse(all.stdout)
    expect(dumped).toStrictEqual(report)
    expect(JSON.stringify(dumped, null, 2)).toBe(all.stdout.trimEnd())
    expect(readFileSync(join(root, 'reports/run.json'), 'utf8')).toBe(`${JSON.stringify(report, null, 2)}\n`)
  })

  it('dump --failed is the same report without the definitions that passed', () => {
    const failed = dokkimi(['dump', '--failed', '-o', 'failed.json'], root)
    expect(failed.code).toBe(0)
    expect(JSON.parse(readFileSync(join(root, 'failed.json'), 'utf8'))).toStrictEqual({ ...report, definitions: report.definitions.filter((d) => d.status !== 'passed') })
  })
})

describe('docs/reports.md', () => {
  it('its JUnit example validates and has the shape of the real file', async () => {
    const example = docBlock('xml')
    expect(await junitSchemaErrors(example)).toEqual([])
    const real = xmlShape(parseXml(junitText))
    expect([...xmlShape(parseXml(example))].filter((p) => !real.has(p))).toEqual([])
  })

  it('its JSON example has the shape of the real report: every field, with the same type', () => {
    const real = jsonShape(report)
    const example = jsonShape(JSON.parse(docBlock('json')))
    expect([...example].filter((p) => !real.has(p))).toEqual([])
    expect(example.size).toBeGreaterThan(100)
  })
})
