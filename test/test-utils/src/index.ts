export { testdir } from './testdir.js'
