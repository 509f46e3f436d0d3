import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { lineageUsage, renderMarkdown, runCheck } from '../../../schema/check/index.js';
import type { ChangeCheck } from '../../../schema/registry/publish.js';
import { CONTRACT_FILE } from '../../protocol/index.js';
import type { MeshgateConfig } from '../../config/config.js';
import { lineageStore } from '../../lineage/create-lineage.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The checks `meshgate publish` runs before a change goes in service: `meshgate check` on the
 * proposed subgraph (this repository's other data products, governance.yaml, the policies),
 * against the registry's supergraph in service and, with REDIS_URL, usage from lineage.
 * Composition with the registry's own subgraphs runs in publish.ts.
 */
export function registryChangeCheck(config: MeshgateConfig): ChangeCheck {
  return async ({ baseline, subgraphs, changed }) => {
    const proposal = subgraphs.find((s) => s.name === changed);
    if (!proposal) return { passed: false, report: `subgraph ${changed} is not part of the change` };
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-publish-'));
    const store = config.lineage.redis ? await lineageStore(config.lineage, { connect: true }) : null;
    try {
      const schemaPath = join(dir, `${changed}.graphql`);
      writeFileSync(schemaPath, proposal.sdl);
      // The proposal's data contract, as its descriptor carries it; without one, the tree's.
      const descriptorPath = proposal.descriptor?.contract ? join(dir, CONTRACT_FILE) : undefined;
      if (descriptorPath) writeFileSync(descriptorPath, stringify(proposal.descriptor!.contract));
      const baselinePath = baseline ? join(dir, 'baseline.graphql') : undefined;
      if (baselinePath && baseline) writeFileSync(baselinePath, baseline);
      const report = await runCheck({
        root: ROOT,
        governanceFile: join(ROOT, 'schema', 'governance.yaml'),
        proposed: { name: changed, schemaPath, descriptorPath },
        base: { schemaFile: baselinePath },
        policyDir: config.security.policy.dir,
        usage: store && lineageUsage(store, `lineage ${config.lineage.prefix}`),
      });
      return { passed: report.summary.errors === 0, report: renderMarkdown(report) };
    } finally {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
