#!/usr/bin/env node
import { main } from './main.js'
import { runMain } from './run-main.js'

process.exitCode = await runMain(main)
// Environments kept with --keep-on-failure (or a runtime's open streams) may hold the event loop:
// leave a moment after the output is written instead of hanging.
setTimeout(() => process.exit(), 1000).unref()
