import type { Page } from '../kit/connection.js';
import type { Queryable } from '../kit/database.js';
import { LoadersByArgs, groupLoader, rowLoader } from '../kit/loaders.js';
import { countPerParent, countRows, selectPage, selectPagePerParent, type SqlWhere } from '../kit/sql.js';

export interface ProductRow {
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  weight_grams: number;
  category_id: number;
  active: boolean;
}

export interface CategoryRow {
  id: number;
  name: string;
  description: string;
}

export interface ProductFilter {
  categoryId?: string | null | undefined;
  active?: boolean | null | undefined;
  nameContains?: string | null | undefined;
  minPriceCents?: number | null | undefined;
  maxPriceCents?: number | null | undefined;
}

const PRODUCT_COLUMNS = 'sku, name, description, price_cents, currency, weight_grams, category_id, active';
const CATEGORY_COLUMNS = 'id, name, description';

function applyFilter(filter: ProductFilter) {
  return (where: SqlWhere) =>
    where
      .add('category_id = ?::int', filter.categoryId)
      .add('active = ?', filter.active)
      .add(`name ILIKE '%' || ? || '%'`, filter.nameContains)
      .add('price_cents >= ?', filter.minPriceCents)
      .add('price_cents <= ?', filter.maxPriceCents);
}

const noFilter = () => undefined;

/** The catalog data product's data access; one instance per request. */
export function createCatalogData(db: Queryable) {
  return {
    productBySku: rowLoader<ProductRow>(
      (skus) => db.query(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = ANY($1::text[])`, [skus]),
      (row) => row.sku,
    ),
    categoryById: rowLoader<CategoryRow>(
      (ids) => db.query(`SELECT ${CATEGORY_COLUMNS} FROM categories WHERE id = ANY($1::int[])`, [ids]),
      (row) => row.id,
    ),
    categories: () => db.query<CategoryRow>(`SELECT ${CATEGORY_COLUMNS} FROM categories ORDER BY name`),
    productPage: (page: Page, filter: ProductFilter) =>
      selectPage<ProductRow>(db, {
        columns: PRODUCT_COLUMNS,
        from: 'products',
        key: 'sku',
        keyType: 'text',
        page,
        filter: applyFilter(filter),
      }),
    productCount: (filter: ProductFilter) => countRows(db, { from: 'products', filter: applyFilter(filter) }),
    /** `Category.products(first, after)` for every category of the request in one statement. */
    productsOfCategory: new LoadersByArgs((page: Page) =>
      groupLoader<ProductRow>(
        (parents) =>
          selectPagePerParent(db, {
            columns: PRODUCT_COLUMNS,
            from: 'products',
            key: 'sku',
            keyType: 'text',
            page,
            filter: noFilter,
            parentKey: 'category_id',
            parentKeyType: 'int',
            parents,
          }),
        (row) => row.category_id,
      ),
    ),
    productCountOfCategory: rowLoader(
      (parents) =>
        countPerParent(db, {
          from: 'products',
          filter: noFilter,
          parentKey: 'category_id',
          parentKeyType: 'int',
          parents,
        }),
      (row) => row.parent,
    ),
  };
}

export type CatalogData = ReturnType<typeof createCatalogData>;
