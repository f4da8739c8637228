#!/usr/bin/env node
import { main } from './main.js'
import { runMain } from './run-main.js'

process.exitCode = await runMain(main)
