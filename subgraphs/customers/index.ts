import { defineDataProduct } from '../kit/data-product.js';
import { CUSTOMER_ROW_FILTERS, createCustomerData } from './data.js';
import { resolvers } from './resolvers.js';

export const customers = defineDataProduct({
  name: 'customers',
  defaultPort: 4001,
  moduleUrl: import.meta.url,
  createLoaders: createCustomerData,
  rowFilters: CUSTOMER_ROW_FILTERS,
  resolvers,
});
