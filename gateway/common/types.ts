/**
 * The gateway's public contracts: what each pipeline stage adds to the request context, and
 * what later stages (masking, lineage, metrics) read. Implementations live beside their stage.
 */

/** A principal attribute: a string, or a list of strings (a JWT claim holding an array). */
export type AttributeValue = string | readonly string[];

/** Who is asking, after authentication. `anonymous` when no token came. */
export interface Principal {
  readonly sub: string;
  readonly anonymous: boolean;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  /** The teams the principal belongs to (JWT_CLAIM_TEAMS): a product's team publishes it in the registry. */
  readonly teams: readonly string[];
  /** Claims mapped for policies: purpose, region, clearance, … ; a list for a claim that holds one (countries). */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Seconds since the epoch; undefined for anonymous. */
  readonly expiresAt?: number | undefined;
}

/** The calling application, from the `apollographql-client-name`/`-version` headers. */
export interface ClientInfo {
  readonly name: string | undefined;
  readonly version: string | undefined;
}

export type MaskStrategy = 'null' | 'redact' | 'hash' | 'last4' | 'email' | 'year';

/** What the policy layer decided for one schema coordinate (`Type.field`) of the operation. */
export type FieldDecision =
  | { readonly coordinate: string; readonly effect: 'allow'; readonly rule: string | null }
  | {
      readonly coordinate: string;
      readonly effect: 'mask';
      readonly strategy: MaskStrategy;
      readonly rule: string;
    }
  | { readonly coordinate: string; readonly effect: 'deny'; readonly rule: string };

/** One subgraph fetch the query plan actually made. */
export interface SubgraphFetch {
  readonly subgraph: string;
  readonly durationMs: number;
  /** Representations sent to `_entities`; 0 for a root-field fetch. */
  readonly entityCount: number;
  readonly ok: boolean;
  /**
   * The entity cache answered the whole fetch: no request reached the product. Such a fetch
   * counts in the product's served SLIs, never in its origin SLIs (health/slo-types.ts).
   */
  readonly fromCache?: boolean;
}

export type Outcome = 'ok' | 'partial' | 'error' | 'rejected';
