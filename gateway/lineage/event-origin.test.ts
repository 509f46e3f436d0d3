import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../auth/anonymous.js';
import { lineageEvent } from './event.js';
import { toOpenLineage } from './openlineage.js';
import { openLineageValidator } from './openlineage-schema.js';
import { parseWire, serialize, withShape } from './wire.js';

/** An MCP tool call's event: the client from the handshake and the tool, through the wire and into OpenLineage. */
describe('the origin of an MCP read', () => {
  const event = lineageEvent({
    context: {
      requestId: 'r',
      startedAt: process.hrtime.bigint(),
      client: { name: 'mcp:claude-desktop/0.9.1', version: '0.9.1' },
      origin: {
        kind: 'mcp',
        client: { name: 'mcp:claude-desktop/0.9.1', version: '0.9.1' },
        tool: 'Customers',
      },
      principal: ANONYMOUS,
      decisions: [],
      fetches: [],
    },
    operation: { name: 'Customers', type: 'query', hash: 'h' },
    reads: [],
    response: { outcome: 'ok', executed: true, errorCodes: [], httpStatus: 200 },
  });

  it('records the tool beside the client, and keeps it through the wire form', () => {
    expect(event.origin).toEqual({ kind: 'mcp', tool: 'Customers' });
    const { json, shape } = serialize(event);
    const record = parseWire(json);
    expect(record?.kind).toBe('compact');
    if (record?.kind !== 'compact') return;
    expect(withShape(record.event, shape)).toEqual(event);
  });

  it('puts it in the OpenLineage run facet, a valid RunEvent', () => {
    expect(openLineageValidator()(toOpenLineage(event))).toEqual([]);
    expect(toOpenLineage(event).run.facets.meshgate).toMatchObject({
      client: { name: 'mcp:claude-desktop/0.9.1', version: '0.9.1' },
      origin: { kind: 'mcp', tool: 'Customers' },
    });
  });

  it('has none for /graphql', () => {
    const { origin: _origin, ...rest } = event;
    expect(serialize({ ...rest }).json).not.toContain('origin');
  });
});
