import { defineDataProduct } from '../kit/data-product.js';
import { createPaymentData } from './data.js';
import { resolvers } from './resolvers.js';

export const payments = defineDataProduct({
  name: 'payments',
  defaultPort: 4004,
  moduleUrl: import.meta.url,
  createLoaders: createPaymentData,
  resolvers,
});
