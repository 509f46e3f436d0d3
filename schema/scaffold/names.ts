/** The names a scaffolded data product derives from its product name and its entity name. */
export interface ProductNames {
  /** Folder, subgraph and Postgres schema: `loyalty`. */
  readonly product: string;
  /** The export in index.ts: `loyalty`. */
  readonly variable: string;
  /** The example entity type: `LoyaltyItem`. */
  readonly entity: string;
  /** Its single-entity query field: `loyaltyItem`. */
  readonly one: string;
  /** Its list query field: `loyaltyItems`. */
  readonly many: string;
  /** Its table: `loyalty_items`. */
  readonly table: string;
}

export function productNames(product: string, entity?: string): ProductNames {
  const type = entity ?? `${product[0]?.toUpperCase()}${product.slice(1)}Item`;
  const one = `${type[0]?.toLowerCase()}${type.slice(1)}`;
  return {
    product,
    variable: product,
    entity: type,
    one,
    many: `${one}s`,
    table: `${type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}s`,
  };
}
