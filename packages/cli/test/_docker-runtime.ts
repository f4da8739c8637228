// The Docker runtime as a `--runtime <module>` for the Docker end-to-end test, loaded from the
// workspace source while @dokkimi/runtime-docker is not yet a dependency of the CLI.
export { docker as default } from '../../runtime-docker/src/index.js'
