import type { SupergraphManager } from '@apollo/gateway';

/**
 * A supergraph whose subgraphs use `@authenticated`, `@requiresScopes` or `@policy` links
 * those specs `for: SECURITY`, and @apollo/gateway — which does not enforce them — refuses to
 * serve it (fail closed: "feature … is for: SECURITY but is unsupported"). meshgate's policy
 * layer does enforce them, so when it is on, those three links lose their `for: SECURITY`
 * before the supergraph reaches the query planner; the directives stay in the SDL for the
 * policy index. Any other SECURITY feature is still refused, and so are these three when
 * MESHGATE_POLICY=off (nothing would enforce them).
 */
const ENFORCED =
  /(@link\(\s*url:\s*"https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v[\d.]+"(?:\s*,\s*as:\s*"\w+")?)\s*,\s*for:\s*SECURITY(\s*\))/g;

export function acceptEnforcedSecurityFeatures(supergraphSdl: string): string {
  return supergraphSdl.replace(ENFORCED, '$1$2');
}

/** The same, for a supergraph that arrives later or changes (introspection, registry). */
export function withEnforcedSecurityFeatures(
  supergraph: string | SupergraphManager,
): string | SupergraphManager {
  if (typeof supergraph === 'string') return acceptEnforcedSecurityFeatures(supergraph);
  return {
    async initialize(options) {
      const result = await supergraph.initialize({
        ...options,
        update: (sdl) => options.update(acceptEnforcedSecurityFeatures(sdl)),
      });
      return { ...result, supergraphSdl: acceptEnforcedSecurityFeatures(result.supergraphSdl) };
    },
  };
}
