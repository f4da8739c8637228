// The interceptor program: reads its configuration (file named by DOKKIMI_INTERCEPTOR_CONFIG, or
// stdin), starts, logs one `listening` line, and closes cleanly on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs'
import { createLogger } from './_logger.js'
import { startInterceptor } from './start-interceptor.js'
import type { InterceptorConfig } from './types.js'

const logger = createLogger()

process.on('uncaughtException', (error) => logger.error('uncaught exception', { error: error.stack ?? String(error) }))
process.on('unhandledRejection', (error) => logger.error('unhandled rejection', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))

async function readConfig(): Promise<InterceptorConfig> {
  const file = process.env.DOKKIMI_INTERCEPTOR_CONFIG
  let text: string
  if (file) {
    text = readFileSync(file, 'utf8')
  } else {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    text = Buffer.concat(chunks).toString('utf8')
  }
  return JSON.parse(text) as InterceptorConfig
}

async function main(): Promise<void> {
  let config: InterceptorConfig
  try {
    config = await readConfig()
  } catch (error) {
    logger.error('cannot read the configuration', { source: process.env.DOKKIMI_INTERCEPTOR_CONFIG ?? 'stdin', error: (error as Error).message })
    process.exit(2)
  }
  const running = await startInterceptor(config, { logger })
  logger.info('listening', { ports: running.ports, controlUrl: running.controlUrl, ingressUrl: running.ingressUrl })
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    logger.info('stopping', { signal })
    running.close().then(
      () => {
        logger.info('stopped')
        process.exit(0)
      },
      (error: Error) => {
        logger.error('close failed', { error: error.message })
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((error: Error) => {
  logger.error('failed to start', { error: error.message })
  process.exit(1)
})
