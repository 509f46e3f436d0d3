/** One order read across customers, orders, payments and shipping: the persona tests' query. */
export const PERSONA_QUERY = `query PersonaOrder {
  order(id: "22") {
    id
    status
    total { amount currency }
    customer { id name country email phone birthDate }
    payments { method status cardBrand cardLast4 cardHolder amount { amount } }
    shipments { carrier status address { recipient street postalCode city country } }
  }
}`;
