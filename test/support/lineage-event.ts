import { ANONYMOUS } from '../../gateway/auth/anonymous.js';
import { lineageEvent } from '../../gateway/lineage/event.js';
import type { FieldRead, LineageEvent } from '../../gateway/lineage/types.js';
import type { FieldDecision, Principal, SubgraphFetch } from '../../gateway/common/types.js';

export interface SampleEventOptions {
  requestId?: string;
  principal?: Principal;
  client?: { name: string | undefined; version: string | undefined };
  operation?: LineageEvent['operation'];
  reads?: readonly FieldRead[];
  decisions?: readonly FieldDecision[];
  fetches?: readonly SubgraphFetch[];
}

/**
 * A lineage event as the plugin records one for a query answered without errors, built by
 * the real `lineageEvent`; a test sets what it is about and takes the defaults for the rest.
 */
export function sampleEvent(options: SampleEventOptions = {}): LineageEvent {
  return lineageEvent({
    context: {
      requestId: options.requestId ?? 'r',
      startedAt: process.hrtime.bigint(),
      client: options.client ?? { name: undefined, version: undefined },
      principal: options.principal ?? ANONYMOUS,
      decisions: options.decisions ?? [],
      fetches: [...(options.fetches ?? [])],
    },
    operation: options.operation ?? { name: 'Q', type: 'query', hash: 'h' },
    reads: options.reads ?? [],
    response: { outcome: 'ok', executed: true, errorCodes: [], httpStatus: 200 },
  });
}
