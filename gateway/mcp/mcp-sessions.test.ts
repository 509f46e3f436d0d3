import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { mcpSessions, type McpSession } from './mcp-sessions.js';

function session(id: string, closed: string[], lastSeen = 0): McpSession {
  const transport = { close: async () => void closed.push(id) } as unknown as StreamableHTTPServerTransport;
  return { id, transport, server: {} as Server, sub: 'ana', lastSeen };
}

describe('mcpSessions', () => {
  it('closes the least recently used session past the bound', () => {
    const closed: string[] = [];
    const sessions = mcpSessions({ max: 2, idleMs: 1_000, now: () => 0 });
    sessions.add(session('a', closed));
    sessions.add(session('b', closed));
    sessions.get('a'); // a is now the most recently used
    sessions.add(session('c', closed));
    expect(closed).toEqual(['b']);
    expect(sessions.all().map((s) => s.id)).toEqual(['a', 'c']);
  });

  it('closes sessions idle past the bound, and forgets one its transport closed', () => {
    const closed: string[] = [];
    let now = 0;
    const sessions = mcpSessions({ max: 10, idleMs: 1_000, now: () => now });
    sessions.add(session('old', closed, 0));
    sessions.add(session('new', closed, 0));
    now = 900;
    sessions.get('new');
    now = 1_500;
    sessions.sweep();
    expect(closed).toEqual(['old']);
    sessions.forget('new');
    expect(sessions.size).toBe(0);
    expect(sessions.get('old')).toBeUndefined();
  });
});
