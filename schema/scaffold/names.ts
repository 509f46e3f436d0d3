import { ErrorCode, StartupError } from '../../gateway/common/errors.js';

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

/** What `meshgate product new` refuses, for either kind of product: the names it derives must be usable. */
export function checkScaffoldInput(options: {
  readonly name: string;
  readonly domain: string;
  readonly team: string;
  readonly entity?: string | undefined;
}): void {
  if (!/^[a-z][a-z0-9]*$/.test(options.name)) {
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `product name "${options.name}" must be lower-case letters and digits (it is also a Postgres schema)`,
    );
  }
  if (options.entity !== undefined && !/^[A-Z][A-Za-z0-9]*$/.test(options.entity)) {
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `entity "${options.entity}" must be a PascalCase type name`,
    );
  }
  if (!options.domain.trim() || !/^[a-z0-9][a-z0-9-]*$/.test(options.team)) {
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      '--domain must be given and --owner must be a team slug (a-z, 0-9, -)',
    );
  }
}
