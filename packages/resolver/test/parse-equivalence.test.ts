import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify, type ToStringOptions } from 'yaml'
import { checkFastPath, childPosition, samePositions, parsePlainYaml, parseWithYamlLibrary, parseYamlDocument, positionOf, withPositionStore } from '../src/_source.js'

/**
 * The resolver parses a plain document with js-yaml and hands everything else to the yaml library
 * (src/_source.ts). These properties hold the two paths to one result: whenever the fast path
 * answers, the yaml library accepts the same text, with the same value and the same position for
 * every map, sequence, key and item. A fast path that silently answered differently would change
 * what users see (values, or file:line in messages); one that gave up too often would only be slow,
 * and the corpus check below catches that.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261121)
const SCALE = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) / 100 : 1
const runs = (n: number) => Math.max(1, Math.round(n * SCALE))
const TIMEOUT_MS = 60_000 * Math.max(1, SCALE)
const repo = fileURLToPath(new URL('../../..', import.meta.url))

type Path = (string | number)[]

/** Same value, same positions, node by node; the first difference is reported with its path. */
function compare(file: string, text: string): 'fast' | 'slow' {
  return withPositionStore(() => {
    const fast = parsePlainYaml(file, text)
    if (fast === undefined) return 'slow'
    const ref = parseWithYamlLibrary(file, text)
    if (!ref.ok) throw new Error(`${file}: the fast path accepted what the yaml library rejects (${ref.message} at ${ref.line}:${ref.column})\n${text}`)
    expect(fast.value, `${file}: value`).toStrictEqual(ref.value)
    walk(file, ref.value, fast.value, [])
    return 'fast'
  })
}

function walk(file: string, ref: unknown, got: unknown, path: Path): void {
  if (typeof ref !== 'object' || ref === null) return
  const where = `${file} at ${JSON.stringify(path)}`
  expect(pos(positionOf(got)), `${where}: node position`).toEqual(pos(positionOf(ref)))
  const keys: (string | number)[] = Array.isArray(ref) ? ref.map((_, i) => i) : Object.keys(ref)
  for (const key of keys) {
    expect(pos(childPosition(got, key)), `${where}: position of ${JSON.stringify(key)}`).toEqual(pos(childPosition(ref, key)))
    walk(file, (ref as Record<string | number, unknown>)[key], (got as Record<string | number, unknown>)[key], [...path, key])
  }
}

const pos = (p: { line: number; column: number } | undefined) => p && `${p.line}:${p.column}`

function corpus(): { file: string; text: string }[] {
  const roots = ['packages/resolver/test/fixtures', 'examples', 'docs', 'packages/cli/test', 'packages/core/test'].map((r) => join(repo, r))
  const out: { file: string; text: string }[] = []
  const visit = (dir: string) => {
    let entries: string[]
    try {
      entries = readdirSync(dir)
    } catch {
      return
    }
    for (const name of entries) {
      if (name === 'node_modules' || name === 'dist' || name === '.runs' || name === 'package.json' || name.startsWith('tsconfig')) continue
      const p = join(dir, name)
      if (statSync(p).isDirectory()) visit(p)
      else if (/\.(?:ya?ml|json)$/i.test(name)) out.push({ file: relative(repo, p), text: readFileSync(p, 'utf8') })
    }
  }
  roots.forEach(visit)
  return out
}

describe('the fast YAML path agrees with the yaml library', () => {
  it("on every YAML and JSON file of the repository's fixtures, examples and docs, and takes the fast path for nearly all", () => {
    const files = corpus()
    expect(files.length).toBeGreaterThan(20)
    const taken = files.map(({ file, text }) => compare(file, text))
    const fast = taken.filter((t) => t === 'fast').length
    // Plain definitions are the norm; the few that use anchors or tags go to the yaml library.
    expect(fast / files.length).toBeGreaterThan(0.9)
  })

  it('on random documents written in every style the yaml library writes', () => {
    const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('a', 'name', 'on', 'yes', 'null', '1', '0x1F', '-.5', '__proto__', '#x', 'a: b', "it's"))
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('012', '0o12', '0x1F', '0b101', '1_000', '+12', '-0', '.5', '-.5', '1e3', '1.', '+.inf', '.NaN', 'True', 'yes', 'No', '~', 'Null', '2024-01-01', '1:20', '', ' ', '#', '- a', '[x]', '{y}', '*z', '&w', '!v', '|', '>', '"q"', "'s'", 'a\nb', 'tab\there'),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    )
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj')),
      arr: fc.array(tie('node'), { maxLength: 4 }),
      obj: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    })).node
    const options = fc.record({
      collectionStyle: fc.constantFrom('any', 'block', 'flow'),
      defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
      defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
      indent: fc.integer({ min: 1, max: 4 }),
      indentSeq: fc.boolean(),
      lineWidth: fc.constantFrom(0, 20, 80),
    })
    let fast = 0
    fc.assert(
      fc.property(value, options, (v, opts) => {
        const text = stringify(v, undefined, opts as ToStringOptions)
        if (compare('random.yaml', text) === 'fast') fast++
      }),
      { seed: SEED, numRuns: runs(1500) },
    )
    expect(fast).toBeGreaterThan(runs(1500) / 2)
  }, TIMEOUT_MS)

  it('on mutated definitions, where the two must also agree on what is valid', () => {
    const files = corpus().filter((f) => f.text.length < 4000)
    const edits = fc.array(
      fc.record({
        at: fc.nat(),
        cut: fc.integer({ min: 0, max: 3 }),
        insert: fc.constantFrom('', ' ', '  ', '\t', '\n', '\n  ', ':', ': ', '- ', '-', '#', ' #', '"', "'", '{', '}', '[', ']', ',', '?', '? ', '|', '>', '&a ', '*a', '!', '!!str ', '%', '---\n', '...\n', 'x', '\\', '\r\n', '\u00a0', '\ufeff', 'é'),
      }),
      { minLength: 1, maxLength: 4 },
    )
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), edits, (i, list) => {
        let text = files[i]!.text
        for (const e of list) {
          const at = e.at % (text.length + 1)
          text = text.slice(0, at) + e.insert + text.slice(at + e.cut)
        }
        compare(files[i]!.file, text)
      }),
      { seed: SEED, numRuns: runs(3000) },
    )
  }, TIMEOUT_MS)
})

describe('the self-check', () => {
  it('passes with the installed js-yaml, so documents take the fast path', () => {
    expect(checkFastPath()).toBe(true)
  })

  it('fails when the fast path gives up on the sample or places a node elsewhere', () => {
    expect(checkFastPath('a: &x 1\nb: *x\n')).toBe(false)
    withPositionStore(() => {
      const here = parseWithYamlLibrary('x.yaml', 'a:\n  b: [1, 2]\n')
      const there = parseWithYamlLibrary('x.yaml', 'a:\n   b: [1,  2]\n')
      const same = parseWithYamlLibrary('x.yaml', 'a:\n  b: [1, 2]\n')
      expect(here.ok && there.ok && same.ok).toBe(true)
      if (!here.ok || !there.ok || !same.ok) return
      expect(samePositions(here.value, same.value)).toBe(true)
      expect(samePositions(here.value, there.value)).toBe(false)
    })
  })
})

describe('what the fast path leaves to the yaml library', () => {
  // Each of these was found by the properties above: js-yaml reads it differently, or accepts what
  // the yaml library (and the spec) refuse. The resolver must answer as the yaml library does.
  const cases: Array<[string, string, string]> = [
    ['a comment right after a closing quote', 'a: "x"#c\n', 'Comments must be separated from other tokens by white space'],
    ['a comment right after a flow collection', 'a: [1]#c\n', 'Comments must be separated from other tokens by white space'],
    ['a quoted scalar whose next line is not indented', "a:\n  b: 'x\ny'\n", 'Missing closing'],
    ['a flow sequence whose next line is not indented', 'a:\n  - [x,\ny]\n', 'Flow sequence in block collection must be sufficiently indented'],
  ]
  it.each(cases)('%s', (_, text, message) => {
    expect(parsePlainYaml('x.yaml', text)).toBeUndefined()
    const result = parseYamlDocument('x.yaml', text)
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.message).toContain(message)
  })

  it('anchors, aliases, explicit tags, directives, block indentation indicators, a `? key` in a flow sequence, tabs in indentation', () => {
    for (const text of ['a:\n  b: 1\n\t# c\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n', 'a: |2\n   x\n', 'a: [b, ? c]\n', '\ufeffa: 1\n', 'a: 1\rb: 2\n']) {
      expect(parsePlainYaml('x.yaml', text), JSON.stringify(text)).toBeUndefined()
      expect(parseYamlDocument('x.yaml', text)).toEqual(parseWithYamlLibrary('x.yaml', text))
    }
  })

  it('numbers as YAML 1.2 core reads them, not as js-yaml does', () => {
    const value = parsePlainYaml('x.yaml', 'a: 0b101\nb: -0x1F\nc: +0o7\nd: -.5\ne: 0o17\nf: 0x1f\ng: .inf\nh: 1e3\ni: 012\n')?.value
    expect(value).toStrictEqual({ a: '0b101', b: '-0x1F', c: '+0o7', d: -0.5, e: 15, f: 31, g: Infinity, h: 1000, i: 12 })
  })
})
