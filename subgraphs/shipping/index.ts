import { defineDataProduct } from '../kit/data-product.js';
import { createShippingData } from './data.js';
import { resolvers } from './resolvers.js';

export const shipping = defineDataProduct({
  name: 'shipping',
  defaultPort: 4005,
  moduleUrl: import.meta.url,
  createLoaders: createShippingData,
  resolvers,
});
