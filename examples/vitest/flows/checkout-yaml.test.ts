// The e-commerce example's checkout flows, straight from its YAML definitions.
import { describeDefinition } from '@dokkimi/vitest-plugin'

describeDefinition('../ecommerce/.dokkimi/ecommerce/definitions/checkout-happy-path.yaml')
describeDefinition('../ecommerce/.dokkimi/ecommerce/definitions/checkout-card-declined.yaml')
