import { defineDataProduct } from '../kit/data-product.js';
import { createCustomerData } from './data.js';
import { resolvers } from './resolvers.js';

export const customers = defineDataProduct({
  name: 'customers',
  defaultPort: 4001,
  moduleUrl: import.meta.url,
  createLoaders: createCustomerData,
  resolvers,
});
