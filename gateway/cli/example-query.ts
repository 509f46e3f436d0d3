/**
 * The query `npm start` prints and the README answers: one order, read across all five data
 * products (orders, customers, catalog, payments, shipping — the estimate via @requires).
 */
export const EXAMPLE_QUERY = `query ExampleOrder {
  order(id: "42") {
    id
    status
    total { amount currency }
    customer { name country }
    lines {
      quantity
      product {
        name
        price { amount }
        unitsSold
        shippingEstimate(destinationCountry: "FR") { carrier days cost { amount } }
      }
    }
    payments { method status amount { amount } }
    shipments { carrier trackingNumber status }
  }
}`;
