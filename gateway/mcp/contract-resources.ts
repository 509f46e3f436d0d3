import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import { stringify } from 'yaml';
import { CATALOG_READER_ROLES, hasAnyRole } from '../auth/roles.js';
import { ErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import type { DataProductDescriptor } from '../protocol/index.js';
import { mcpError } from './mcp-error.js';

const PREFIX = 'meshgate://contracts/';

/**
 * Each data product's ODCS contract as an MCP resource, `meshgate://contracts/<product>`, in
 * YAML: the contract the product published with its supergraph (the descriptor carries it as
 * parsed). For the catalog readers, as the catalog is; others list none and read none.
 */
export function contractResources(descriptors: () => readonly DataProductDescriptor[]) {
  return {
    list(principal: Principal): Resource[] {
      if (!hasAnyRole(principal, CATALOG_READER_ROLES)) return [];
      return descriptors().map((d) => ({
        uri: `${PREFIX}${d.name}`,
        name: `${d.name} data contract`,
        title: `${d.name} (${d.domain}) data contract`,
        description: `The Open Data Contract Standard contract of ${d.name}: ${firstSentence(d.description)}`,
        mimeType: 'application/yaml',
      }));
    },
    read(principal: Principal, uri: string): ReadResourceResult {
      if (!hasAnyRole(principal, CATALOG_READER_ROLES)) throw mcpError(ErrorCode.CATALOG_FORBIDDEN);
      const name = uri.startsWith(PREFIX) ? uri.slice(PREFIX.length) : null;
      const descriptor = name === null ? undefined : descriptors().find((d) => d.name === name);
      if (!descriptor) throw mcpError(ErrorCode.MCP_UNKNOWN_RESOURCE, `no contract at ${uri}`, { uri });
      return { contents: [{ uri, mimeType: 'application/yaml', text: stringify(descriptor.contract) }] };
    },
  };
}

export type ContractResources = ReturnType<typeof contractResources>;

function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  return end === -1 ? text : text.slice(0, end + 1);
}
