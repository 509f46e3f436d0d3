import { AccessError, type AccessService } from '../access/index.js';
import { answer, refusal } from './caller-view.js';
import type { McpTool } from './types.js';

/**
 * `request_access`: files an access request as the console does (the same access service,
 * gateway/access/): for fields of one product, a purpose and a duration. It goes to the
 * approvers the product's contract names; the agent never approves anything.
 */
export function requestAccessTool(service: AccessService): McpTool {
  return {
    name: 'request_access',
    title: 'Request access to fields',
    description:
      "File an access request for fields you are denied or read masked (see describe_data_product). It goes to the approvers named in the product's contract; access starts once one approves.",
    inputSchema: {
      type: 'object',
      properties: {
        product: { type: 'string', description: 'The data product, e.g. customers' },
        fields: {
          type: 'array',
          items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$' },
          minItems: 1,
          description: 'Coordinates, e.g. ["Customer.phone"]',
        },
        purpose: { type: 'string', description: 'One word, e.g. support' },
        duration: { type: 'string', pattern: '^[0-9]+[smhd]$', description: 'e.g. 30d, 12h' },
      },
      required: ['product', 'fields', 'purpose', 'duration'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    async call(args, { principal }) {
      try {
        const request = await service.request(principal, args);
        return answer({ request });
      } catch (error) {
        if (error instanceof AccessError) return refusal(error.code, error.message);
        throw error;
      }
    },
  };
}
