import { ErrorCode, StartupError } from '../gateway/common/errors.js';
import { catalog } from './catalog/index.js';
import { customers } from './customers/index.js';
import type { DataProduct } from './kit/data-product.js';
import { orders } from './orders/index.js';
import { payments } from './payments/index.js';
import { shipping } from './shipping/index.js';

/** The data products this repository serves, in the order `meshgate start` brings them up. */
export const dataProducts: readonly DataProduct[] = [customers, catalog, orders, payments, shipping];

export function findDataProduct(name: string): DataProduct {
  const product = dataProducts.find((p) => p.name === name);
  if (!product) {
    throw new StartupError(
      ErrorCode.UNKNOWN_SUBGRAPH,
      `unknown data product "${name}" (known: ${dataProducts.map((p) => p.name).join(', ')})`,
    );
  }
  return product;
}
