import type { RedisClient } from '../redis/redis-client.js';
import type { NotificationStatus } from './webhook-notifier.js';

/** One webhook delivery still owed: an incident's firing or resolved body for one receiver. */
export interface Notification {
  /** `<incident>:<status>:<receiver>`: adding the same notification twice keeps one. */
  readonly id: string;
  readonly incidentId: string;
  readonly status: NotificationStatus;
  readonly url: string;
  readonly body: unknown;
  readonly attempts: number;
  /** Epoch ms of the next attempt. */
  readonly dueAt: number;
}

/**
 * Where owed notifications wait until a receiver takes them. With Redis it is shared and
 * outlives a replica: a notification the replica that opened the incident could not deliver
 * before it stopped is delivered by another replica, or by the same one after its restart.
 */
export interface NotificationOutbox {
  readonly kind: 'memory' | 'redis';
  /** Adds a notification unless one with its id is owed already. */
  add(notification: Notification): Promise<void>;
  /**
   * The owed notifications due by `now`, each claimed by this replica for `leaseMs`: while
   * one replica sends it, no other does (a replica that dies mid-send leaves its lease to expire).
   */
  claimDue(now: number, leaseMs: number): Promise<Notification[]>;
  /** Delivered: no longer owed. */
  delivered(notification: Notification): Promise<void>;
  /** Not delivered: owed again at its new `dueAt`, claimable by any replica. */
  retryLater(notification: Notification): Promise<void>;
  size(): Promise<number>;
}

export function memoryOutbox(): NotificationOutbox {
  const owed = new Map<string, Notification>();
  const leasedUntil = new Map<string, number>();
  return {
    kind: 'memory',
    async add(n) {
      if (!owed.has(n.id)) owed.set(n.id, n);
    },
    async claimDue(now, leaseMs) {
      const due = [...owed.values()].filter((n) => n.dueAt <= now && (leasedUntil.get(n.id) ?? 0) <= now);
      for (const n of due) leasedUntil.set(n.id, now + leaseMs);
      return due;
    },
    async delivered(n) {
      owed.delete(n.id);
      leasedUntil.delete(n.id);
    },
    async retryLater(n) {
      if (owed.has(n.id)) owed.set(n.id, n);
      leasedUntil.delete(n.id);
    },
    async size() {
      return owed.size;
    },
  };
}

/**
 * The outbox in Redis: one hash of owed notifications (`<prefix>outbox`, id → JSON) and a
 * lease key per notification being sent (`SET NX PX`). The prefix carries the incidents' hash
 * tag, so every key is in one Cluster slot. Delivery is at least once: a replica that dies
 * after the receiver answered and before it cleared the entry leaves it to be sent again, and
 * an Alertmanager receiver groups both by the incident's fingerprint.
 */
export function redisOutbox(redis: RedisClient, prefix: string): NotificationOutbox {
  const hash = `${prefix}outbox`;
  const lease = (id: string) => `${prefix}outbox-lease:${id}`;
  return {
    kind: 'redis',
    async add(n) {
      await redis.hsetnx(hash, n.id, JSON.stringify(n));
    },
    async claimDue(now, leaseMs) {
      const all = Object.values(await redis.hgetall(hash)).map((text) => JSON.parse(text) as Notification);
      const claimed: Notification[] = [];
      for (const n of all.filter((x) => x.dueAt <= now))
        if ((await redis.set(lease(n.id), '1', 'PX', leaseMs, 'NX')) === 'OK') claimed.push(n);
      return claimed;
    },
    async delivered(n) {
      await redis.multi().hdel(hash, n.id).del(lease(n.id)).exec();
    },
    async retryLater(n) {
      // Only if still owed: another replica may have delivered it after this one's lease expired.
      if (await redis.hexists(hash, n.id)) await redis.hset(hash, n.id, JSON.stringify(n));
      await redis.del(lease(n.id));
    },
    size: () => redis.hlen(hash),
  };
}
