/**
 * Benchmark: wall time of the whole e-commerce example suite (`examples/ecommerce/.dokkimi`)
 * through the CLI, with `--max-parallel 1` and with the default parallelism, side by side.
 *
 *   pnpm exec tsx bench/suite/run.ts [--runs=3]
 *
 * Needs Docker and the example's images (`node examples/ecommerce/scripts/build-images.mjs`,
 * which this script runs first, outside the timing) and, on hosts without a registry,
 * DOKKIMI_IMAGES (see scripts/local-images.sh).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k!, v ?? 'true'] as const }))
const RUNS = Number(args.get('runs') ?? 3)

execFileSync(process.execPath, [join(repo, 'examples/ecommerce/scripts/build-images.mjs')], { stdio: 'inherit' })
execFileSync('pnpm', ['-s', '--filter', '@dokkimi/interceptor', 'run', 'build'], { cwd: repo, stdio: 'ignore' })

function suite(extra: string[]): number {
  const t0 = performance.now()
  const r = spawnSync(join(repo, 'node_modules/.bin/tsx'), ['--conditions=@dokkimi/source', join(repo, 'packages/cli/src/bin.ts'), 'run', join(repo, 'examples/ecommerce/.dokkimi'), '--ci', ...extra], { encoding: 'utf8' })
  const ms = performance.now() - t0
  const last = r.stdout.trimEnd().split('\n').at(-1)
  if (r.status !== 0) throw new Error(`suite failed (${r.status}): ${last}\n${r.stdout.slice(-2000)}`)
  console.log(`  ${extra.join(' ') || '(default)'}: ${(ms / 1000).toFixed(1)} s — ${last}`)
  return ms
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const serial: number[] = []
const parallel: number[] = []
for (let i = 0; i < RUNS; i++) {
  console.log(`run ${i + 1}/${RUNS}`)
  serial.push(suite(['--max-parallel', '1']))
  parallel.push(suite([]))
}
const s = median(serial)
const p = median(parallel)
console.log(`\nexample suite (7 definitions), median of ${RUNS}, node ${process.version}`)
console.log(`  --max-parallel 1   ${(s / 1000).toFixed(1)} s`)
console.log(`  default            ${(p / 1000).toFixed(1)} s`)
console.log(`  default / serial   ${(p / s).toFixed(2)}x  (${(s / p).toFixed(2)}x faster)`)
