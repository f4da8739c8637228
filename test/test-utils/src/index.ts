export { testdir } from './testdir.js'
export { dockerTestsEnabled, hasDocker } from './docker.js'
