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
 * Claims one notification only while it is still owed: the lease is set (NX, with expiry) and
 * the entry read in one script. Checking the hash and setting the lease apart would let a
 * replica that listed the hash before another delivered and cleared it claim and send it again.
 * KEYS: outbox hash, lease key. ARGV: id, lease ms. Returns the entry's current JSON, or nil.
 */
const CLAIM_SCRIPT = `
local doc = redis.call('HGET', KEYS[1], ARGV[1])
if not doc then return false end
if not redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX') then return false end
return doc
`;

/**
 * Owed again later, only while still owed (another replica may have delivered it after this
 * one's lease expired), and the lease released, in one step for the same reason as the claim.
 * KEYS: outbox hash, lease key. ARGV: id, JSON.
 */
const RETRY_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('DEL', KEYS[2])
return 1
`;

interface OutboxScripts {
  meshgateOutboxClaim(n: number, ...args: (string | number)[]): Promise<string | null>;
  meshgateOutboxRetry(n: number, ...args: (string | number)[]): Promise<number>;
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
  const client = redis as unknown as OutboxScripts;
  if (typeof client.meshgateOutboxClaim !== 'function') {
    redis.defineCommand('meshgateOutboxClaim', { lua: CLAIM_SCRIPT });
    redis.defineCommand('meshgateOutboxRetry', { lua: RETRY_SCRIPT });
  }
  return {
    kind: 'redis',
    async add(n) {
      await redis.hsetnx(hash, n.id, JSON.stringify(n));
    },
    async claimDue(now, leaseMs) {
      const all = Object.values(await redis.hgetall(hash)).map((text) => JSON.parse(text) as Notification);
      const claimed: Notification[] = [];
      for (const listed of all.filter((x) => x.dueAt <= now)) {
        const doc = await client.meshgateOutboxClaim(2, hash, lease(listed.id), listed.id, leaseMs);
        if (!doc) continue;
        // The entry as it is now: another replica may have failed it since and set a later dueAt.
        const n = JSON.parse(doc) as Notification;
        if (n.dueAt <= now) claimed.push(n);
        else await redis.del(lease(n.id));
      }
      return claimed;
    },
    async delivered(n) {
      await redis.multi().hdel(hash, n.id).del(lease(n.id)).exec();
    },
    async retryLater(n) {
      await client.meshgateOutboxRetry(2, hash, lease(n.id), n.id, JSON.stringify(n));
    },
    size: () => redis.hlen(hash),
  };
}
