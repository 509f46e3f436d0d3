import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';

describe('SLI configuration', () => {
  it('is on by default, in memory without Redis, flushing every 5 s', () => {
    expect(loadConfig({})).toMatchObject({
      sli: { enabled: true, redis: undefined, flushIntervalMs: 5_000, prefix: 'meshgate:sli:' },
    });
    expect(
      loadConfig({ MESHGATE_SLI: 'off', REDIS_URL: 'redis://r:6379', SLI_FLUSH_MS: '250' }).sli,
    ).toMatchObject({
      enabled: false,
      redis: { kind: 'server', url: 'redis://r:6379' },
      flushIntervalMs: 250,
    });
  });

  it('names a bad value', () => {
    expect(() => loadConfig({ MESHGATE_SLI: 'maybe' })).toThrow(/MESHGATE_SLI="maybe": Invalid option/);
    expect(() => loadConfig({ SLI_FLUSH_MS: '10' })).toThrow('SLI_FLUSH_MS="10": must be from 100 to 60000');
  });
});
