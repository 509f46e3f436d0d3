import { existsSync, mkdirSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { parseGrantFile } from '../policy/grant-rule.js';
import type { GrantRules, PolicyRule } from '../policy/types.js';
import { openRedis } from '../redis/redis-connection.js';
import type { RedisClient } from '../redis/redis-client.js';
import type { AccessConfig } from './access-config.js';
import { ACCESS_KEYS, GRANTS_CHANNEL } from './access-store.js';
import { grantSigner } from './grant-signature.js';

export interface GrantSourceOptions {
  readonly config: AccessConfig;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** Told once per grant the gateway stops applying or refuses (for the audit log). */
  readonly onDropped?: (file: string, action: 'expire' | 'ignore', reason: string) => void;
  readonly now?: () => number;
}

export interface GrantSource extends GrantRules {
  /** Reads the grants again now (what a file event, a message or an expiry does). */
  reload(): void;
  close(): Promise<void>;
}

/**
 * The grants a gateway applies, picked up without a restart: the files of the grants
 * directory (watched), and with Redis the grants every approval publishes there (pub/sub
 * tells each gateway to reload). A grant applies only while it is signed with the grant key,
 * parses as a grant, and has not expired; any other is ignored with its reason logged (once).
 * A timer reloads at the next expiry, so an expired grant stops applying on time even though
 * nothing else changes (the engine is recompiled, and the decision caches start afresh).
 */
export function grantSource({ config, logger, onDropped, now = Date.now }: GrantSourceOptions): GrantSource {
  const signer = grantSigner(config);
  const listeners: (() => void)[] = [];
  const reported = new Set<string>();
  let rules: readonly PolicyRule[] = [];
  let fingerprint = '';
  let fromRedis = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;

  const drop = (file: string, action: 'expire' | 'ignore', reason: string) => {
    if (reported.has(`${file}\n${reason}`)) return;
    reported.add(`${file}\n${reason}`);
    logger.warn({ code: ErrorCode.GRANT_INVALID, grant: file, reason }, `grant ${file} ignored: ${reason}`);
    onDropped?.(file, action, reason);
  };

  const load = () => {
    const texts = new Map(fromRedis);
    if (existsSync(config.grantsDir))
      for (const file of readdirSync(config.grantsDir).filter((f) => /^[^.].*\.ya?ml$/.test(f)))
        texts.set(file, readFileSync(join(config.grantsDir, file), 'utf8'));
    const kept: PolicyRule[] = [];
    let nextExpiry = Infinity;
    for (const [file, text] of [...texts].sort(([a], [b]) => a.localeCompare(b))) {
      let parsed: ReturnType<typeof parseGrantFile>;
      try {
        parsed = parseGrantFile(`grants/${file}`, text);
      } catch (error) {
        drop(file, 'ignore', (error as Error).message);
        continue;
      }
      const problem = signer.problem(parsed.document);
      if (problem) {
        drop(file, 'ignore', problem);
        continue;
      }
      const expiresAt = parsed.rule.expiresAt! * 1000;
      if (expiresAt <= now()) {
        drop(file, 'expire', `expired at ${parsed.document.expires}`);
        continue;
      }
      nextExpiry = Math.min(nextExpiry, expiresAt);
      kept.push(parsed.rule);
    }
    clearTimeout(timer);
    // setTimeout's bound is 2^31-1 ms; a later expiry is looked at again then.
    if (nextExpiry < Infinity)
      timer = setTimeout(reload, Math.min(Math.max(nextExpiry - now(), 0) + 5, 2 ** 31 - 1)).unref();
    const next = kept.map((r) => `${r.id}@${r.expiresAt}`).join(',');
    const changed = next !== fingerprint;
    rules = kept;
    fingerprint = next;
    return changed;
  };
  const reload = () => {
    if (load()) {
      logger.info({ grants: rules.map((r) => r.id) }, `grants reloaded: ${rules.length} in force`);
      for (const listener of listeners) listener();
    }
  };

  load();
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  try {
    mkdirSync(config.grantsDir, { recursive: true });
    watcher = watch(config.grantsDir, () => {
      clearTimeout(debounce);
      debounce = setTimeout(reload, 50).unref();
    });
  } catch (error) {
    logger.warn(
      { err: error, dir: config.grantsDir },
      'grants directory cannot be watched: grants load at start only',
    );
  }
  let subscriber: RedisClient | undefined;
  let reader: RedisClient | undefined;
  if (config.redis) {
    const behaviour = { offlineQueue: true, maxRetriesPerRequest: 1, commandTimeoutMs: 5_000 };
    subscriber = openRedis(config.redis, behaviour);
    reader = openRedis(config.redis, behaviour);
    const fetchFromRedis = async () => {
      try {
        fromRedis = new Map(Object.entries(await reader!.hgetall(ACCESS_KEYS.grants)));
        reload();
      } catch (error) {
        logger.warn({ err: error }, 'grants in Redis cannot be read: keeping the grants in force');
      }
    };
    subscriber.on('message', () => void fetchFromRedis());
    subscriber.on('error', () => undefined);
    reader.on('error', () => undefined);
    void subscriber.subscribe(GRANTS_CHANNEL).catch(() => undefined);
    void fetchFromRedis();
  }

  return {
    current: () => rules,
    onChange: (listener) => void listeners.push(listener),
    reload,
    async close() {
      clearTimeout(timer);
      clearTimeout(debounce);
      watcher?.close();
      subscriber?.disconnect();
      reader?.disconnect();
    },
  };
}
