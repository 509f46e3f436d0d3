import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A private, throwaway redis-server that a fault test may stop and start, so the shared one
 * on 6379 is never disturbed.
 */
export class PrivateRedis {
  #process: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    /** Extra redis-server arguments, e.g. an append-only file so a SIGKILL loses no acknowledged write. */
    private readonly extraArgs: readonly string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(extraArgs: readonly string[] = []): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), extraArgs);
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    this.#process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...this.extraArgs,
      ],
      {
        stdio: 'ignore',
      },
    );
    const client = new Redis(this.url, {
      lazyConnect: true,
      retryStrategy: () => 50,
      maxRetriesPerRequest: null,
    });
    client.on('error', () => undefined);
    await client.ping();
    client.disconnect();
  }

  /**
   * SIGSTOP: the server keeps its connections open but answers nothing, as a hung Redis does;
   * commands then fail by timeout, not by a refused connection.
   */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  resume(): void {
    this.#process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = null;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGCONT'); // a paused server gets the SIGKILL all the same, but say so
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
}
