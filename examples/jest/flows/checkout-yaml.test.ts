// The e-commerce example's YAML definitions, unchanged, as Jest tests: one describe per
// definition, one test per definition test, one environment per definition.
import { describeDefinition } from '@dokkimi/jest-preset'

const definitions = new URL('../../ecommerce/.dokkimi/ecommerce/definitions/', import.meta.url)

describeDefinition(new URL('checkout-happy-path.yaml', definitions))
describeDefinition(new URL('checkout-card-declined.yaml', definitions))
