import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** One MCP session: its transport and server, and the principal it belongs to. */
export interface McpSession {
  readonly id: string;
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
  /** The subject that initialized it: another principal's request on it is refused. */
  readonly sub: string;
  lastSeen: number;
}

/**
 * The sessions open, bounded in number (past `max` the least recently used is closed) and in
 * idleness (`sweep` closes those unused for `idleMs`). A closed session's client gets 404
 * MCP_SESSION_NOT_FOUND and initializes again, as the Streamable HTTP transport specifies.
 */
export function mcpSessions({
  max,
  idleMs,
  now = Date.now,
}: {
  max: number;
  idleMs: number;
  now?: () => number;
}) {
  // A Map iterates in insertion order; `touch` re-inserts, so the first entry is the least recently used.
  const open = new Map<string, McpSession>();
  const close = (session: McpSession) => {
    open.delete(session.id);
    void session.transport.close().catch(() => undefined);
  };
  return {
    get size() {
      return open.size;
    },
    get(id: string): McpSession | undefined {
      const session = open.get(id);
      if (session) {
        session.lastSeen = now();
        open.delete(id);
        open.set(id, session);
      }
      return session;
    },
    add(session: McpSession): void {
      while (open.size >= max) {
        const oldest = open.values().next().value;
        if (!oldest) break;
        close(oldest);
      }
      open.set(session.id, session);
    },
    /** Forgets a session its transport closed (DELETE /mcp, or closed here). */
    forget(id: string): void {
      open.delete(id);
    },
    sweep(): void {
      const before = now() - idleMs;
      for (const session of [...open.values()]) if (session.lastSeen < before) close(session);
    },
    all(): McpSession[] {
      return [...open.values()];
    },
    async closeAll(): Promise<void> {
      const sessions = [...open.values()];
      open.clear();
      await Promise.all(sessions.map((s) => s.transport.close().catch(() => undefined)));
    },
  };
}

export type McpSessions = ReturnType<typeof mcpSessions>;
