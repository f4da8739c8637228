// A tiny, strict XML 1.0 reader for tests: a character walk that throws on anything not
// well-formed (unbalanced tags, raw `<` or bad `&` references, unquoted or duplicate attributes,
// characters XML cannot carry) and returns the element tree.

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** Decoded character data directly inside the element. */
  text: string
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

export function parseXml(source: string): XmlElement {
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`invalid XML at ${i}: ${why} near ${JSON.stringify(source.slice(i, i + 30))}`)
  }
  for (const ch of source) {
    const c = ch.codePointAt(0)!
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)
    if (!ok) fail(`character U+${c.toString(16)} is not allowed`)
  }
  const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r'
  const isNameChar = (c: string | undefined) => c !== undefined && (/* letters, digits and -_.: */ (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-' || c === '_' || c === '.' || c === ':')
  const skipSpace = () => {
    while (isSpace(source[i])) i++
  }
  const name = () => {
    const start = i
    while (isNameChar(source[i])) i++
    if (i === start) fail('expected a name')
    return source.slice(start, i)
  }
  const expect = (s: string) => {
    if (!source.startsWith(s, i)) fail(`expected ${JSON.stringify(s)}`)
    i += s.length
  }
  const decode = (raw: string): string => {
    let out = ''
    for (let j = 0; j < raw.length; j++) {
      const c = raw[j]!
      if (c === '<') fail('raw "<" in character data')
      if (c !== '&') {
        out += c
        continue
      }
      const end = raw.indexOf(';', j)
      if (end < 0) fail('unterminated reference')
      const ref = raw.slice(j + 1, end)
      if (ref.startsWith('#x')) out += String.fromCodePoint(Number.parseInt(ref.slice(2), 16))
      else if (ref.startsWith('#')) out += String.fromCodePoint(Number.parseInt(ref.slice(1), 10))
      else if (ref in ENTITIES) out += ENTITIES[ref]
      else fail(`unknown entity &${ref};`)
      j = end
    }
    return out
  }
  const element = (): XmlElement => {
    expect('<')
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: '' }
    for (;;) {
      const spaced = isSpace(source[i])
      skipSpace()
      if (source.startsWith('/>', i)) {
        i += 2
        return el
      }
      if (source[i] === '>') {
        i++
        break
      }
      if (!spaced) fail('attributes must be separated by white space')
      const attr = name()
      skipSpace()
      expect('=')
      skipSpace()
      const quote = source[i]
      if (quote !== '"' && quote !== "'") fail('attribute value must be quoted')
      const end = source.indexOf(quote!, i + 1)
      if (end < 0) fail('unterminated attribute value')
      if (attr in el.attributes) fail(`duplicate attribute ${attr}`)
      // Literal white space in attribute values is normalised to spaces (XML 1.0 §3.3.3).
      el.attributes[attr] = decode(source.slice(i + 1, end).replace(/[\t\n\r]/g, ' '))
      i = end + 1
    }
    for (;;) {
      const next = source.indexOf('<', i)
      if (next < 0) fail(`unclosed <${el.name}>`)
      el.text += decode(source.slice(i, next))
      i = next
      if (source.startsWith('</', i)) {
        i += 2
        if (name() !== el.name) fail(`mismatched closing tag for <${el.name}>`)
        skipSpace()
        expect('>')
        return el
      }
      el.children.push(element())
    }
  }
  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>')
    if (end < 0) fail('unterminated XML declaration')
    i = end + 2
  }
  skipSpace()
  const root = element()
  skipSpace()
  if (i !== source.length) fail('content after the root element')
  return root
}
