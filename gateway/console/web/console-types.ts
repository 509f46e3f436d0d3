import type { FreshnessReading, QualityResult } from '../../health/types.js';
import type { ProductHealth, SliPoint } from '../../health/slo-types.js';
import type { DataProductDescriptor, ProductSla } from '../../protocol/types.js';

/** The shapes the pages read from /console/api/* and /admin/slo. */
export type Maybe<T> =
  ({ readonly available: true } & T) | { readonly available: false; readonly reason: string };

export type ProductContract = Maybe<{
  readonly name: string;
  readonly description: string;
  readonly owner: DataProductDescriptor['owner'];
  readonly support: DataProductDescriptor['support'];
  readonly roles: DataProductDescriptor['roles'];
  readonly sla: ProductSla;
  readonly quality: readonly {
    readonly id: string;
    readonly dimension: string;
    readonly description: string | null;
  }[];
}>;

export type ProductQuality = Maybe<{
  readonly latest: readonly QualityResult[];
  readonly history: Readonly<Record<string, readonly QualityResult[]>>;
  readonly freshness: readonly FreshnessReading[];
}>;

export interface SloAnswer {
  readonly products: readonly ProductHealth[];
  readonly series?: { readonly window: string; readonly points: readonly SliPoint[] };
}

export type { SchemaVersions } from '../server/schema-versions.js';
export type { SchemaChecks } from '../server/schema-checks.js';
export type { PolicyMatrix } from '../server/policy-matrix.js';
