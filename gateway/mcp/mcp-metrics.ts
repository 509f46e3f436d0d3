import { Counter, Gauge, type Registry } from 'prom-client';

/** How an MCP tool call ended: a request's outcomes, and `invalid` for a JSON-RPC error (unknown tool, bad arguments). */
export type ToolCallOutcome = 'ok' | 'partial' | 'error' | 'rejected' | 'invalid';

/**
 * The MCP endpoint's metrics, in the gateway's registry: tool calls by tool and outcome, and
 * the sessions open. A tool name no tool has is counted as `__unknown`, so a client cannot
 * grow the label set.
 */
export function mcpMetrics(registry: Registry, sessionsOpen: () => number) {
  const calls = new Counter({
    name: 'meshgate_mcp_tool_calls_total',
    help: 'MCP tool calls by tool and outcome (ok, partial, error, rejected, invalid)',
    labelNames: ['tool', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'meshgate_mcp_sessions',
    help: 'MCP sessions open',
    registers: [registry],
    collect() {
      this.set(sessionsOpen());
    },
  });
  return {
    called(tool: string | null, outcome: ToolCallOutcome) {
      calls.inc({ tool: tool ?? '__unknown', outcome });
    },
  };
}

export type McpMetrics = ReturnType<typeof mcpMetrics>;
