export { main } from './main.js'
export { runMain } from './run-main.js'
