import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/config.js';
import { accessConfig } from './access-config.js';
import { ACCESS_KEYS, fileStore, redisStore } from './access-store.js';
import { grantSigner } from './grant-signature.js';
import { grantSource } from './grant-source.js';
import { grantDocument, writeGrant } from './grant-writer.js';
import type { AccessRequest, AccessStore } from './types.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });
const request: AccessRequest = {
  id: 'ar-test0001',
  product: 'customers',
  fields: ['Customer.birthDate'],
  purpose: 'support',
  durationSeconds: 3600,
  requestedBy: 'sam',
  grantee: { sub: 'sam' },
  requestedAt: '2026-12-03T12:00:00.000Z',
  status: 'pending',
};

const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await redis.del(ACCESS_KEYS.requests, ACCESS_KEYS.audit, ACCESS_KEYS.grants);
  redis.disconnect();
});

describe.each([
  ['file', () => fileStore(mkdtempSync(join(tmpdir(), 'meshgate-access-')))],
  ['redis', () => redisStore(new Redis(REDIS_URL))],
] as [string, () => AccessStore][])('the %s access store', (_kind, open) => {
  it('keeps requests by id and an append-only audit log', async () => {
    const store = open();
    await redis.del(ACCESS_KEYS.requests, ACCESS_KEYS.audit);
    await store.save(request);
    await store.save({ ...request, status: 'approved', reviewedBy: 'carla' });
    expect(await store.get(request.id)).toMatchObject({ status: 'approved', reviewedBy: 'carla' });
    expect(await store.get('ar-none')).toBeNull();
    expect((await store.list()).map((r) => r.id)).toEqual([request.id]);
    const entry = {
      time: '2026-12-03T12:00:01.000Z',
      who: 'sam',
      action: 'request' as const,
      request: request.id,
      what: 'x',
      why: 'purpose support',
    };
    await store.audit(entry);
    await store.audit({ ...entry, who: 'carla', action: 'approve' });
    expect((await store.auditLog()).map((e) => `${e.who} ${e.action}`)).toEqual([
      'sam request',
      'carla approve',
    ]);
    await store.close();
  });
});

describe('grants through Redis', () => {
  it('reach a gateway that does not share the grants directory (pub/sub), and only while signed', async () => {
    await redis.del(ACCESS_KEYS.grants);
    const env = loadConfig({ REDIS_URL, MESHGATE_STATE_DIR: mkdtempSync(join(tmpdir(), 'meshgate-state-')) });
    const writer = accessConfig(
      { ACCESS_MAX_DAYS: 90 },
      { absolute: (p) => p, policyDir: mkdtempSync(join(tmpdir(), 'meshgate-a-')), stateDir: env.stateDir },
      env.redis,
    );
    const reader = { ...writer, grantsDir: mkdtempSync(join(tmpdir(), 'meshgate-b-')) };
    const source = grantSource({ config: reader, logger: silent });
    const changes = vi.fn();
    source.onChange(changes);
    const { file, text } = writeGrant(
      writer.grantsDir,
      grantDocument(request, 'carla', new Date()),
      grantSigner(writer),
    );
    const store = redisStore(new Redis(REDIS_URL));
    await store.publishGrant!(file, text);
    await vi.waitFor(() => expect(source.current().map((r) => r.id)).toEqual(['grant-ar-test0001']), {
      timeout: 5_000,
    });
    expect(changes).toHaveBeenCalledTimes(1);
    // An edited copy in Redis is ignored like an edited file.
    await store.publishGrant!(file, text.replace('Customer.birthDate', 'Customer.phone'));
    await vi.waitFor(() => expect(source.current()).toEqual([]), { timeout: 5_000 });
    await store.close();
    await source.close();
  });
});
