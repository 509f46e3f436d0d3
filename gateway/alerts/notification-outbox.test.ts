import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisOutbox, type Notification } from './notification-outbox.js';

describe('redis notification outbox', () => {
  it('two replicas draining at once send each owed notification exactly once', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const prefix = `meshgate-test:{incidents}:${randomUUID()}:`;
    try {
      const owed = 200;
      const writer = redisOutbox(redis, prefix);
      for (let i = 0; i < owed; i++) {
        const n: Notification = {
          id: `inc-${i}:firing:alertmanager`,
          incidentId: `inc-${i}`,
          status: 'firing',
          url: 'http://127.0.0.1:9/alertmanager',
          body: { i },
          attempts: 0,
          dueAt: 0,
        };
        await writer.add(n);
      }
      // Each replica lists the outbox, then claims and clears entries one by one, as a notifier
      // does: one replica's list goes stale while the other delivers and releases its lease.
      const sent: string[] = [];
      const replica = async () => {
        const outbox = redisOutbox(redis, prefix);
        while ((await outbox.size()) > 0)
          for (const n of await outbox.claimDue(Date.now(), 15_000)) {
            sent.push(n.id);
            await outbox.delivered(n);
          }
      };
      await Promise.all([replica(), replica(), replica()]);
      console.log(`shared outbox race: ${owed} owed, ${sent.length} sent, ${new Set(sent).size} distinct`);
      expect(sent.length).toBe(owed);
      expect(new Set(sent).size).toBe(owed);
      expect(await writer.size()).toBe(0);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });
});
