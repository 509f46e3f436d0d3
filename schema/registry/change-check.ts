import { fileURLToPath } from 'node:url';
import { lineageUsage, renderMarkdown, runCheck, type Finding } from '../check/index.js';
import type { LineageConfig } from '../../gateway/lineage/lineage-config.js';
import { lineageStore } from '../../gateway/lineage/create-lineage.js';
import type { ChangeCheck } from './publish.js';

/** The platform's own governance standards, shipped beside this module. */
export const DEFAULT_GOVERNANCE_FILE = fileURLToPath(new URL('../governance.yaml', import.meta.url));

export interface RegistryCheckOptions {
  /** The governance standards (schema/governance.yaml unless REGISTRY_GOVERNANCE_FILE). */
  readonly governanceFile: string;
  /** The deployment's policies (POLICY_DIR): what covers the products' classified fields. */
  readonly policyDir: string;
  /** Usage of breaking changes from the lineage store, when there is one (REDIS_URL). */
  readonly lineage: LineageConfig | null;
}

/**
 * The checks a publish (and a dry-run check) runs before a change goes in service:
 * `meshgate check` over what the registry has in service with the proposal in its place,
 * against the supergraph in service. Nothing is read from a repository: the subgraphs and
 * their contracts are the registry's, the baseline is what gateways serve.
 *
 * Only findings on the changed product block it: a team is not held back by another team's
 * product (those findings are reported, as notes for their owners).
 */
export function registryChangeCheck(options: RegistryCheckOptions): ChangeCheck {
  return async ({ baseline, subgraphs, changed }) => {
    const store = options.lineage?.redis ? await lineageStore(options.lineage, { connect: true }) : null;
    try {
      const report = await runCheck({
        root: fileURLToPath(new URL('../../', import.meta.url)),
        governanceFile: options.governanceFile,
        sources: {
          changed,
          subgraphs: subgraphs.map((s) => ({
            name: s.name,
            sdl: s.sdl,
            contract: s.descriptor?.contract ?? null,
            label: `registry:${s.name}`,
          })),
        },
        base: {
          supergraph: {
            label: baseline === null ? 'none (nothing in service yet)' : 'the supergraph in service',
            sdl: baseline,
          },
        },
        policyDir: options.policyDir,
        usage: store && options.lineage && lineageUsage(store, `lineage ${options.lineage.prefix}`),
      });
      const blocking = report.findings.filter((f) => blocks(f, changed));
      const others = report.findings.filter((f) => f.severity === 'error' && !blocks(f, changed)).length;
      const summary =
        `${blocking.length} blocking error(s) for ${changed}` +
        (others ? `; ${others} error(s) on other products do not block it` : '');
      return {
        passed: blocking.length === 0,
        report: `${summary}\n\n${renderMarkdown(report)}`,
        findings: report.findings,
      };
    } finally {
      await store?.close();
    }
  };
}

/** An error on the changed product, or one that keeps anything from composing. */
function blocks(finding: Finding, changed: string): boolean {
  return (
    finding.severity === 'error' && (finding.subgraphs.includes(changed) || finding.rule === 'composition')
  );
}
