import { pino } from 'pino';
import type { Logger } from '../../gateway/common/logger.js';
import type { RunningMesh } from '../../gateway/cli/mesh.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { testConfig } from './mesh.js';

/** A log line as pino writes it. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** pino's level numbers: 50 is error, 60 fatal. */
export const ERROR_LEVEL = 50;

/** A logger whose JSON lines are kept in memory, so a test can assert what was logged and at which level. */
export function captureLogger(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level, base: { service: 'meshgate' } },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}

/** A gateway with its own settings (and logger) over the shared mesh's subgraphs; stop it after use. */
export async function opsGateway(
  mesh: RunningMesh,
  env: Record<string, string>,
  logger: Logger,
  routes: Record<string, string> = {},
  spoolPath?: string,
): Promise<RunningGateway> {
  const config = testConfig({ MESHGATE_LINEAGE: 'off', ...env });
  const subgraphUrls = { ...Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url])), ...routes };
  // A spool of its own (the state directory stays the default one: the subgraphs' context-token key lives there).
  const lineage = spoolPath ? { ...config.lineage, spoolPath } : config.lineage;
  return startGateway({ ...config, port: 0, subgraphUrls, lineage }, logger);
}

/** POSTs any body with any headers; the status, the headers and the parsed JSON body (null if not JSON). */
export interface ResponseBody {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  data?: unknown;
}

export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    // A copy on its own ArrayBuffer: fetch's BodyInit does not take a view of a shared one.
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  let json: ResponseBody | null = null;
  try {
    json = JSON.parse(text) as ResponseBody;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, json, text };
}
