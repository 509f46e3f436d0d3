import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { invariant } from '../../gateway/common/invariant.js';
import type { DataProductDescriptor } from '../../gateway/protocol/index.js';
import type { Finding } from '../check/index.js';
import { composeSupergraph, type CompositionFinding, type SubgraphSource } from '../compose.js';
import { supergraphRecord } from './supergraph-record.js';
import type { AuditEntry, PublishedSubgraph, PublishedSupergraph, Registry, RegistryState } from './types.js';

/** A domain team's proposed version of its subgraph. */
export interface SubgraphProposal {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  readonly descriptor: DataProductDescriptor | null;
  readonly publishedBy: string;
}

/** The governance checks a change must pass (`meshgate check`), run against the supergraph in service. */
export type ChangeCheck = (change: {
  /** The supergraph in service, or null for the first publish. */
  baseline: string | null;
  /** Every subgraph as it would be after the change. */
  subgraphs: readonly (SubgraphSource & { descriptor: DataProductDescriptor | null })[];
  /** The subgraph that changes. */
  changed: string;
}) => Promise<{ passed: boolean; report: string; findings?: readonly Finding[] }>;

/**
 * What a write must pass besides composition, and what it records. Both run inside each
 * attempt, against the state that attempt read, so a concurrent claim or transfer is seen.
 */
export interface WriteOptions {
  /** The governance checks of a publish (not run for a rollback). */
  readonly check?: ChangeCheck | undefined;
  /**
   * May this write go ahead? `inService`: the product's version in service (undefined: a new
   * name); `next`: the version the write puts in service. Throws a StartupError with the
   * refusal's code otherwise (REGISTRY_FORBIDDEN, PRODUCT_NAME_TAKEN, ...).
   */
  readonly authorize?:
    ((inService: PublishedSubgraph | undefined, next: PublishedSubgraph) => void) | undefined;
  /** The audit line stored in the same commit as the write. */
  readonly audit?: ((subgraph: PublishedSubgraph) => AuditEntry) | undefined;
  /**
   * `meshgate check` against a registry: everything a publish does but the commit. The outcome
   * says `published: true` for a change that would be, and nothing is stored.
   */
  readonly dryRun?: boolean | undefined;
}

export type PublishOutcome =
  | {
      readonly published: true;
      readonly subgraph: PublishedSubgraph;
      readonly supergraph: PublishedSupergraph;
      readonly report: string;
      /** The governance checks' findings (none for a rollback). */
      readonly findings: readonly Finding[];
    }
  | {
      readonly published: false;
      readonly errors: readonly CompositionFinding[];
      readonly report: string;
      readonly findings: readonly Finding[];
    };

const ATTEMPTS = 5;

/**
 * `meshgate publish`: composes the proposal with everything in service, runs the checks
 * against the supergraph in service, and only if both pass stores the new subgraph version
 * and the new supergraph in one commit. Gateways watching the registry pick it up.
 * A concurrent publish makes the commit conflict; the change is then checked again on top of it.
 */
export async function publishSubgraph(
  registry: Registry,
  proposal: SubgraphProposal,
  options: WriteOptions = {},
): Promise<PublishOutcome> {
  return withRetries(async () => {
    const state = await registry.state();
    const previous = await registry.history(proposal.name);
    const subgraph: PublishedSubgraph = {
      ...proposal,
      version: Math.max(0, ...previous.map((s) => s.version)) + 1,
      publishedAt: new Date().toISOString(),
    };
    options.authorize?.(
      state.subgraphs.find((s) => s.name === proposal.name),
      subgraph,
    );
    const next = [...state.subgraphs.filter((s) => s.name !== proposal.name), subgraph];
    return commitIfValid(
      registry,
      state,
      next,
      [subgraph],
      `publish ${subgraph.name} v${subgraph.version}`,
      proposal.publishedBy,
      options,
      proposal.name,
    );
  });
}

/**
 * `meshgate rollback`: puts the subgraph's previous version back in service (history is
 * kept; a later publish gets the next unused version). The result must still compose.
 */
export async function rollbackSubgraph(
  registry: Registry,
  name: string,
  by: string,
  options: Omit<WriteOptions, 'check'> = {},
): Promise<PublishOutcome> {
  return withRetries(async () => {
    const state = await registry.state();
    const current = state.subgraphs.find((s) => s.name === name);
    const previous = (await registry.history(name))
      .filter((s) => current && s.version < current.version)
      .at(-1);
    if (!current || !previous) {
      throw new StartupError(
        ErrorCode.NOTHING_TO_ROLL_BACK,
        `subgraph "${name}" has no earlier version in ${registry.location}`,
      );
    }
    options.authorize?.(current, previous);
    const next = state.subgraphs.map((s) => (s.name === name ? previous : s));
    return commitIfValid(
      registry,
      state,
      next,
      [previous],
      `rollback ${name} v${current.version} to v${previous.version}`,
      by,
      options,
    );
  });
}

async function commitIfValid(
  registry: Registry,
  state: RegistryState,
  subgraphs: readonly PublishedSubgraph[],
  changed: readonly PublishedSubgraph[],
  reason: string,
  by: string,
  { check, audit, dryRun }: WriteOptions,
  changedName?: string,
): Promise<PublishOutcome> {
  const composition = composeSupergraph(subgraphs);
  if (!composition.ok) {
    const report = composition.errors
      .map((e) => `error[${e.code}] (${e.subgraphs.join(', ') || 'supergraph'}): ${e.message}`)
      .join('\n');
    return { published: false, errors: composition.errors, report, findings: [] };
  }
  let report = '';
  let findings: readonly Finding[] = [];
  if (check && changedName) {
    const outcome = await check({ baseline: state.supergraph?.sdl ?? null, subgraphs, changed: changedName });
    report = outcome.report;
    findings = outcome.findings ?? [];
    if (!outcome.passed) return { published: false, errors: [], report, findings };
  }
  const supergraph = supergraphRecord({
    version: (state.supergraph?.version ?? 0) + 1,
    sdl: composition.supergraphSdl,
    subgraphs: Object.fromEntries(subgraphs.map((s) => [s.name, s.version])),
    publishedBy: by,
    reason,
  });
  const [subgraph] = changed;
  invariant(subgraph, 'a commit changes at least one subgraph');
  if (!dryRun)
    await registry.commit(
      { subgraphs: changed, supergraph, audit: audit?.(subgraph) },
      state.supergraph?.version ?? 0,
    );
  return { published: true, subgraph, supergraph, report, findings };
}

async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StartupError && error.code === ErrorCode.REGISTRY_CONFLICT) || i >= ATTEMPTS)
        throw error;
    }
  }
}
