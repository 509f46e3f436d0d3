import { parsePage, toConnection, type PageArgs } from '../kit/connection.js';
import type { SubgraphContext } from '../kit/data-product.js';
import { intId, money, toCents } from '../kit/values.js';
import type { CatalogData, CategoryRow, ProductRow } from './data.js';

type Context = SubgraphContext<CatalogData>;

interface ProductFilterInput {
  categoryId?: string | null;
  active?: boolean | null;
  nameContains?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
}

function toProduct(row: ProductRow) {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: money(row.price_cents, row.currency),
    weightGrams: row.weight_grams,
    categoryId: String(row.category_id),
    active: row.active,
  };
}
type Product = ReturnType<typeof toProduct>;

async function productBySku(sku: string, { loaders }: Context) {
  const row = await loaders.productBySku.load(sku);
  return row && toProduct(row);
}

const productConnection = (
  rows: ProductRow[],
  page: ReturnType<typeof parsePage>,
  count: () => Promise<number>,
) => toConnection(rows, page, (row) => row.sku, count, toProduct);

export const resolvers = {
  Query: {
    product: (_: unknown, args: { sku: string }, context: Context) => productBySku(args.sku, context),
    products: async (
      _: unknown,
      args: PageArgs & { filter?: ProductFilterInput | null },
      { loaders }: Context,
    ) => {
      const page = parsePage(args);
      const input = args.filter ?? {};
      const filter = {
        categoryId: input.categoryId == null ? null : intId(input.categoryId, 'filter.categoryId'),
        active: input.active,
        nameContains: input.nameContains,
        minPriceCents: toCents(input.minPrice),
        maxPriceCents: toCents(input.maxPrice),
      };
      return productConnection(await loaders.productPage(page, filter), page, () =>
        loaders.productCount(filter),
      );
    },
    categories: (_: unknown, __: unknown, { loaders }: Context) => loaders.categories(),
  },
  Product: {
    __resolveReference: (reference: { sku: string }, context: Context) =>
      productBySku(reference.sku, context),
    category: async (product: Product, _: unknown, { loaders }: Context) =>
      loaders.categoryById.load(product.categoryId),
  },
  Category: {
    __resolveReference: (reference: { id: string }, { loaders }: Context) =>
      loaders.categoryById.load(intId(reference.id, 'id')),
    products: async (category: CategoryRow, args: PageArgs, { loaders }: Context) => {
      const page = parsePage(args);
      const id = String(category.id);
      const rows = await loaders.productsOfCategory.load(id, page);
      return productConnection(
        rows,
        page,
        async () => (await loaders.productCountOfCategory.load(id))?.n ?? 0,
      );
    },
  },
};
