import { defineDataProduct } from '../kit/data-product.js';
import { createOrderData } from './data.js';
import { resolvers } from './resolvers.js';

export const orders = defineDataProduct({
  name: 'orders',
  defaultPort: 4003,
  moduleUrl: import.meta.url,
  createLoaders: createOrderData,
  resolvers,
});
