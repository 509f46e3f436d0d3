import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter posts to `<it>/v1/traces`). */
  readonly url: string;
  /** Spans received so far (counted, not kept: a 100% run sends millions). */
  spans(): number;
  close(): Promise<void>;
}

/**
 * A local OTLP/HTTP receiver for the tracing contenders: answers every export with 200, as a
 * collector would, and counts the spans of the JSON bodies (`resourceSpans[].scopeSpans[].spans[]`).
 * Its work is the same for every contender that exports, so it costs the comparison nothing
 * beyond what exporting to a real collector on the same machine would.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  let spans = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
        };
        for (const resource of body.resourceSpans ?? [])
          for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
      } catch {
        // Not JSON: still acknowledged, the exporter must not retry it.
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
