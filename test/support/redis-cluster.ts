import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { vi } from 'vitest';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.js';

const run = promisify(execFile);

interface ClusterNode {
  readonly port: number;
  process: ChildProcess | null;
}

/**
 * A real, throwaway Redis Cluster on loopback ports: `masters` masters, each with
 * `replicasPerMaster` replicas, started with `redis-server --cluster-enabled yes` and joined
 * with `redis-cli --cluster create`. A short node timeout lets a test kill a master and see
 * its replica take over within seconds.
 */
export class RedisCluster {
  private constructor(
    private readonly nodes: ClusterNode[],
    private readonly dir: string,
  ) {}

  /** `host:port,...` of every node, as REDIS_CLUSTER_NODES takes it. */
  get nodesVariable(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  static async start(options: { masters?: number; replicasPerMaster?: number } = {}): Promise<RedisCluster> {
    const masters = options.masters ?? 3;
    const replicas = options.replicasPerMaster ?? 0;
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-redis-cluster-'));
    const nodes: ClusterNode[] = [];
    for (let i = 0; i < masters * (1 + replicas); i++) nodes.push({ port: await freePort(), process: null });
    const cluster = new RedisCluster(nodes, dir);
    try {
      for (const node of nodes) await cluster.startNode(node);
      await run('redis-cli', [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ]);
      await cluster.waitUntilHealthy(masters);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async startNode(node: ClusterNode): Promise<void> {
    node.process = spawn(
      'redis-server',
      [
        '--port',
        String(node.port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.dir, `nodes-${node.port}.conf`),
        '--cluster-node-timeout',
        '1000',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await vi.waitFor(() => this.ask(node.port, 'PING'), { timeout: 10_000, interval: 50 });
  }

  /** One command to one node, on a short-lived plain connection. */
  private async ask(port: number, ...command: string[]): Promise<string> {
    const client = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return String(await client.call(command[0]!, ...command.slice(1)));
    } finally {
      client.disconnect();
    }
  }

  /** Every live node says the cluster is ok and sees `masters` masters serving all slots. */
  async waitUntilHealthy(masters: number, timeout = 30_000): Promise<void> {
    await vi.waitFor(
      async () => {
        for (const node of this.nodes.filter((n) => n.process)) {
          const info = await this.ask(node.port, 'CLUSTER', 'INFO');
          if (!info.includes('cluster_state:ok'))
            throw new Error(`node ${node.port}: ${info.split('\r\n')[0]}`);
          const size = /cluster_size:(\d+)/.exec(info)?.[1];
          if (Number(size) !== masters) throw new Error(`node ${node.port}: cluster_size ${size}`);
        }
      },
      { timeout, interval: 100 },
    );
  }

  /** The port of the master that serves `key`'s slot. */
  async masterOf(key: string): Promise<number> {
    const port = this.nodes.find((n) => n.process)!.port;
    const slot = await this.ask(port, 'CLUSTER', 'KEYSLOT', key);
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const ranges = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      const owner = ranges.find(([from, to]) => Number(slot) >= from && Number(slot) <= to);
      if (!owner) throw new Error(`no master serves slot ${slot}`);
      return owner[2][1];
    } finally {
      client.disconnect();
    }
  }

  /** SIGKILL one node: for a master, its replica is promoted once the node timeout passes. */
  async kill(port: number): Promise<void> {
    const node = this.nodes.find((n) => n.port === port);
    const child = node?.process;
    if (!node || !child) throw new Error(`no running node on port ${port}`);
    node.process = null;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) {
      const child = node.process;
      node.process = null;
      if (!child || child.exitCode !== null) continue;
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
