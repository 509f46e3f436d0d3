import type { Workload } from './types.js';

/**
 * The three request shapes every contender serves. They select no classified field (email,
 * phone, card data, addresses), so the data a data-steward token reads through meshgate with
 * policies on is the same data the other contenders return, and the responses can be compared.
 */

/** One data product (catalog): no entity fetch, so this is the gateway's fixed cost. */
const single: Workload = {
  id: 'single',
  title: 'single-subgraph: 20 products with category (catalog only)',
  query: `query BenchSingle {
  products(first: 20) {
    totalCount
    edges { cursor node { sku name description price { amount currency } weightGrams active category { id name } } }
  }
}`,
};

/**
 * One page of orders joined across all five data products: customers and catalog by entity
 * reference, payments and shipments added to Order, and a @requires estimate from shipping.
 */
const cross: Workload = {
  id: 'cross',
  title: 'cross-domain: 5 orders joined across 5 subgraphs (entity joins + @requires)',
  query: `query BenchCross {
  orders(first: 5) {
    edges { node {
      id status placedAt total { amount currency }
      customer { id name country segment }
      lines { lineNumber quantity product { sku name price { amount } unitsSold shippingEstimate(destinationCountry: "FR") { carrier days } } }
      payments { id method status amount { amount } }
      shipments { id carrier status }
    } }
  }
}`,
};

/**
 * Lists of entities that reference each other several levels deep (order → customer → their
 * orders → lines → product → category, and back through shipments to order lines): the shape
 * public gateway benchmarks use, with responses of tens of KB and many entity fetches.
 */
const heavy: Workload = {
  id: 'heavy',
  title: 'heavy nested: 10 orders → customer → 5 orders → lines → product (+ payments, shipments)',
  query: `query BenchHeavy {
  orders(first: 10) {
    edges { node {
      id status placedAt total { amount currency }
      customer {
        id name country segment createdAt
        orders(first: 5) {
          totalCount
          edges { node {
            id status total { amount currency }
            lines { lineNumber quantity unitPrice { amount } product { sku name price { amount currency } category { id name } unitsSold } }
            payments { id method status amount { amount } }
          } }
        }
      }
      lines {
        lineNumber quantity unitPrice { amount currency }
        product { sku name description weightGrams price { amount currency } category { id name } unitsSold shippingEstimate(destinationCountry: "FR") { carrier days cost { amount } } }
      }
      payments { id method status cardBrand paidAt amount { amount currency } }
      shipments { id carrier trackingNumber status shippedAt deliveredAt items { lineNumber quantity product { sku name } } }
    } }
  }
}`,
};

export const WORKLOADS: readonly Workload[] = [single, cross, heavy];

/** The request body a workload sends, exactly as the load generator sends it. */
export function requestBody(workload: Workload): string {
  return JSON.stringify({
    query: workload.query,
    ...(workload.variables && { variables: workload.variables }),
  });
}
