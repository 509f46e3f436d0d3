import { defineDataProduct } from '../kit/data-product.js';
import { createCatalogData } from './data.js';
import { resolvers } from './resolvers.js';

export const catalog = defineDataProduct({
  name: 'catalog',
  defaultPort: 4002,
  moduleUrl: import.meta.url,
  createLoaders: createCatalogData,
  resolvers,
});
