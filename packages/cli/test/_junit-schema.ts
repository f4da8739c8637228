// JUnit reports checked against fixtures/junit.xsd by libxml2's own validator (xmllint-wasm).
import { readFileSync } from 'node:fs'
import { validateXML } from 'xmllint-wasm'

const schema = { fileName: 'junit.xsd', contents: readFileSync(new URL('./fixtures/junit.xsd', import.meta.url), 'utf8') }

/** What xmllint reports against the schema (parse errors included); `[]` when `xml` validates. */
export async function junitSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: { fileName: 'junit.xml', contents: xml }, schema })
  if (result.valid) return []
  return result.errors.length > 0 ? result.errors.map((e) => e.rawMessage) : [result.rawOutput]
}
