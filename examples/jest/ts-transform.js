// A Jest transformer for the example's TypeScript flows: TypeScript's own transpileModule, ESM
// output, no type checking (tsc does that; see tsconfig.json). Enough for tests, no Babel needed.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { URL } from 'node:url'
import ts from 'typescript'

const self = readFileSync(new URL(import.meta.url), 'utf8')

const compilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  sourceMap: true,
  inlineSources: true,
  verbatimModuleSyntax: true,
}

export default {
  process(source, path) {
    const out = ts.transpileModule(source, { fileName: path, compilerOptions })
    return { code: out.outputText, map: out.sourceMapText }
  },
  getCacheKey(source, path, { configString }) {
    return createHash('sha256').update(self).update(ts.version).update(configString).update(path).update(source).digest('hex')
  },
}
