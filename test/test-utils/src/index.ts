export { testdir } from './testdir.js'
export { dockerTestsEnabled, hasDocker } from './docker.js'
export { startDatabaseContainer, type DatabaseContainerOptions, type StartedDatabaseContainer, type TestDatabaseEngine } from './db-containers.js'
