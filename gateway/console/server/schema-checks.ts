import { runCheck, lineageUsage, type CheckReport, type Finding } from '../../../schema/check/index.js';
import type { LineageStore } from '../../lineage/types.js';

export interface SchemaChecksOptions {
  /** The repository root: the subgraphs' SDL and contracts, schema/supergraph.graphql. */
  readonly root: string;
  readonly governanceFile: string;
  readonly policyDir: string;
  /** Usage for breaking changes: the gateway's own lineage store; null without lineage. */
  readonly lineage: LineageStore | null;
  /** How long a report is served before the check runs again. Default one minute. */
  readonly maxAgeMs?: number;
}

/** The report, with its findings grouped by the subgraph they concern (`(mesh)` for none). */
export interface SchemaChecks {
  readonly ranAt: string;
  readonly durationMs: number;
  readonly context: CheckReport['context'];
  readonly summary: CheckReport['summary'];
  readonly passed: boolean;
  readonly bySubgraph: Readonly<Record<string, readonly Finding[]>>;
}

/**
 * The schema checks governance reviews: `meshgate check` (no proposal: the working tree
 * against the committed supergraph, policy coverage, standards) run by the console over the
 * gateway's tree, with usage from its lineage store, and kept for `maxAgeMs`. The CLI writes
 * its report wherever `--out` says, so the console runs the same function rather than guess.
 */
export function schemaChecks(options: SchemaChecksOptions): () => Promise<SchemaChecks> {
  let last: { at: number; report: Promise<SchemaChecks> } | null = null;
  return () => {
    if (last && Date.now() - last.at < (options.maxAgeMs ?? 60_000)) return last.report;
    const report = run(options);
    last = { at: Date.now(), report };
    report.catch(() => (last = null));
    return report;
  };
}

async function run(options: SchemaChecksOptions): Promise<SchemaChecks> {
  const started = performance.now();
  const { lineage } = options;
  const report = await runCheck({
    root: options.root,
    governanceFile: options.governanceFile,
    base: {},
    policyDir: options.policyDir,
    // The store is the gateway's: the adapter must not close it.
    usage:
      lineage &&
      lineageUsage(
        {
          kind: lineage.kind,
          durable: lineage.durable,
          write: (batch) => lineage.write(batch),
          query: (filter) => lineage.query(filter),
          close: async () => undefined,
        },
        `the gateway's lineage store (${lineage.kind})`,
      ),
  });
  const bySubgraph: Record<string, Finding[]> = {};
  for (const finding of report.findings) {
    for (const subgraph of finding.subgraphs.length ? finding.subgraphs : ['(mesh)'])
      (bySubgraph[subgraph] ??= []).push(finding);
  }
  return {
    ranAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    context: report.context,
    summary: report.summary,
    passed: report.exitCode === 0,
    bySubgraph,
  };
}
