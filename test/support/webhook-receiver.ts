import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An Alertmanager webhook body as the receiver reads it. */
export interface AlertmanagerBody {
  status: string;
  alerts: { labels: Record<string, string>; fingerprint: string }[];
}

export interface WebhookReceiver {
  readonly port: number;
  /** Every body received, in order. */
  readonly received: AlertmanagerBody[];
  close(): Promise<void>;
}

/** A real HTTP webhook receiver on loopback (port 0: a free one) that answers 200 and keeps each JSON body. */
export async function startWebhookReceiver(
  port = 0,
  received: AlertmanagerBody[] = [],
): Promise<WebhookReceiver> {
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(text) as AlertmanagerBody);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
