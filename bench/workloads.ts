import type { Workload } from './types.js';
import {
  SEED_SIZES,
  bodyStream,
  uniformId,
  zipf,
  type GraphQLRequestBody,
  type Random,
} from './varied-requests.js';

/**
 * The request shapes every contender serves. They select no classified field (email, phone,
 * card data, addresses), so the data a data-steward token reads through meshgate with
 * policies on is the same data the other contenders return, and the responses can be compared.
 *
 * Varied workloads first: every request asks for other rows, as real traffic does. The
 * identical ones (single, cross, heavy) send the same request on every connection, which
 * in-flight de-duplication collapses: the de-duplication-friendly case, kept for comparison.
 */

const ORDER_FIELDS = `id status placedAt total { amount currency }
    customer { id name country segment }
    lines { lineNumber quantity product { sku name price { amount } unitsSold shippingEstimate(destinationCountry: "FR") { carrier days } } }
    payments { id method status amount { amount } }
    shipments { id carrier status }`;

const VARIED_ORDER = `query VariedOrder($id: ID!) {
  order(id: $id) {
    ${ORDER_FIELDS}
  }
}`;

const VARIED_CUSTOMER = `query VariedCustomer($id: ID!) {
  customer(id: $id) {
    id name country segment createdAt
    orders(first: 5) {
      totalCount
      edges { node {
        id status total { amount currency }
        lines { lineNumber quantity product { sku name price { amount currency } category { id name } } }
        payments { id method status amount { amount } }
      } }
    }
  }
}`;

const ORDERS_BY_STATUS = `query OrdersByStatus($status: OrderStatus!, $first: Int!) {
  orders(first: $first, filter: { status: $status }) {
    edges { node { id status total { amount currency } customer { id name country } } }
  }
}`;

const CUSTOMERS_BY_COUNTRY = `query CustomersByCountry($country: String!, $segment: CustomerSegment) {
  customers(first: 10, filter: { country: $country, segment: $segment }) {
    totalCount
    edges { node { id name country segment } }
  }
}`;

/** One order joined across all five data products, the id uniform over every order. */
const variedOrder: Workload = {
  id: 'varied-order',
  title: 'varied: one order across 5 subgraphs, random id (uniform over 50,000)',
  kind: 'varied',
  query: VARIED_ORDER,
  next: (random) => ({ query: VARIED_ORDER, variables: { id: uniformId(random, SEED_SIZES.orders) } }),
};

/** A customer with their last five orders, lines, products and payments; random customer. */
const variedCustomer: Workload = {
  id: 'varied-customer',
  title: 'varied: a customer → 5 orders → lines → product, payments; random id (uniform over 5,000)',
  kind: 'varied',
  query: VARIED_CUSTOMER,
  next: (random) => ({ query: VARIED_CUSTOMER, variables: { id: uniformId(random, SEED_SIZES.customers) } }),
};

const hotOrder = zipf(SEED_SIZES.orders, 1.1);
const hotCustomer = zipf(SEED_SIZES.customers, 1.1);
const STATUSES = ['DELIVERED', 'SHIPPED', 'PAID', 'PENDING', 'CANCELLED'] as const;
const COUNTRIES = ['DE', 'FR', 'AT', 'ES', 'IT', 'NL', 'PL', 'SE'] as const;
const SEGMENTS = [null, 'CONSUMER', 'SMALL_BUSINESS', 'ENTERPRISE'] as const;
const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

/**
 * A realistic mix: a few orders and customers are hot (Zipf, s = 1.1) and most are cold; one
 * request in five is a list under a filter.
 */
function zipfMixRequest(random: Random): GraphQLRequestBody {
  const r = random();
  if (r < 0.45) return { query: VARIED_ORDER, variables: { id: hotOrder(random) } };
  if (r < 0.8) return { query: VARIED_CUSTOMER, variables: { id: hotCustomer(random) } };
  if (r < 0.9)
    return {
      query: ORDERS_BY_STATUS,
      variables: { status: pick(random, STATUSES), first: pick(random, [5, 10, 20]) },
    };
  return {
    query: CUSTOMERS_BY_COUNTRY,
    variables: { country: pick(random, COUNTRIES), segment: pick(random, SEGMENTS) },
  };
}

const zipfMix: Workload = {
  id: 'zipf-mix',
  title: 'zipf mix: 45% order, 35% customer (Zipf s=1.1 over ids), 20% filtered lists',
  kind: 'varied',
  query: VARIED_ORDER,
  next: zipfMixRequest,
};

/** One data product (catalog): no entity fetch, so this is the gateway's fixed cost. */
const single: Workload = {
  id: 'single',
  title: 'identical: single-subgraph, 20 products with category (catalog only)',
  kind: 'identical',
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
  title: 'identical: cross-domain, 5 orders joined across 5 subgraphs (entity joins + @requires)',
  kind: 'identical',
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
  title: 'identical: heavy nested, 10 orders → customer → 5 orders → lines → product (+ payments, shipments)',
  kind: 'identical',
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

export const WORKLOADS: readonly Workload[] = [variedOrder, variedCustomer, zipfMix, single, cross, heavy];

export const WORKLOAD_IDS = WORKLOADS.map((w) => w.id) as [Workload['id'], ...Workload['id'][]];

/** Every contender's load generator starts the varied streams from this seed. */
export const BENCH_SEED = 20_261_202;

export function workloadById(id: Workload['id']): Workload {
  const workload = WORKLOADS.find((w) => w.id === id);
  if (!workload) throw new Error(`no workload ${id}`);
  return workload;
}

/**
 * The request bodies a workload sends, in order, exactly as the load generator sends them:
 * the same text every time for an identical workload, the seeded stream for a varied one.
 */
export function requestBodies(workload: Workload, seed = BENCH_SEED): () => string {
  if (workload.next) return bodyStream(workload.next, seed);
  const body = JSON.stringify({
    query: workload.query,
    ...(workload.variables && { variables: workload.variables }),
  });
  return () => body;
}
