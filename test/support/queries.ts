/** A page of orders with their customers and products: three data products, four loaders. */
export const ORDERS_PAGE = `query OrdersPage($first: Int!) {
  orders(first: $first) {
    edges { node { id customer { id name } lines { quantity product { sku name price { amount } } } } }
  }
}`;
