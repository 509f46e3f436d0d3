import { Kind, parse } from 'graphql';

/** Each subgraph's name and URL, as the supergraph's `join__Graph` enum declares them. */
export function subgraphUrlsOf(supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === 'join__graph');
      const argument = (name: string) => {
        const node = graph?.arguments?.find((a) => a.name.value === name)?.value;
        return node?.kind === Kind.STRING ? node.value : undefined;
      };
      const name = argument('name');
      const url = argument('url');
      if (name && url) urls[name] = url;
    }
  }
  return urls;
}
