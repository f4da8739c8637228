// @dokkimi/runtime-docker: the default runtime, isolated environments on a Docker engine.
export { docker, type DockerRuntimeOptions } from './docker.js'
export { DockerRuntime } from './docker-runtime.js'
