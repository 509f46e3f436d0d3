import { composeSupergraph } from '../compose.js';
import { finding } from './finding.js';
import type { Place } from './placement.js';
import { schemaView, type SchemaView } from './schema-view.js';
import type { SubgraphInput } from './subgraph-sources.js';
import type { Finding, GovernanceConfig } from './types.js';

/**
 * Rule `composition`: the proposed subgraphs compose (schema/compose.ts names the subgraph of
 * each error and hint). Errors are always errors — without a supergraph nothing can be served
 * or compared, so the view is null then; hints are notes (none when the rule is off).
 */
export function checkComposition(
  inputs: readonly SubgraphInput[],
  config: GovernanceConfig,
  place: Place,
): { view: SchemaView | null; findings: Finding[] } {
  const result = composeSupergraph(
    inputs.map((input) => ({
      name: input.name,
      url: `http://${input.name}.subgraph.invalid/graphql`,
      sdl: input.sdl,
    })),
  );
  if (!result.ok) {
    const findings = result.errors.map((error): Finding => {
      const placement = place(null, null, error.subgraphs);
      return {
        rule: 'composition',
        severity: 'error',
        message: `${error.code}: ${error.message}`,
        coordinate: null,
        ...placement,
      };
    });
    return { view: null, findings };
  }
  const hints = result.hints.flatMap((hint) =>
    finding(config, 'composition', `${hint.code}: ${hint.message}`, null, place(null, null, hint.subgraphs), {
      severity: 'note',
    }),
  );
  return { view: schemaView(result.supergraphSdl), findings: hints };
}
