/** Flags after folding in environment variables: the one normalising step (STYLE.md rule 24). */
export interface Flags {
  cwd: string
  /** CI mode: `--ci`, or CI=true / CI=1 in the environment. */
  ci: boolean
}

export function resolveFlags(args: { ci?: boolean }, env: NodeJS.ProcessEnv = process.env): Flags {
  const ciEnv = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false'
  return { cwd: process.cwd(), ci: args.ci ?? ciEnv }
}
