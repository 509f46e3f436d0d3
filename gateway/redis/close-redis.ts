import type { RedisClient } from './redis-client.js';

/**
 * Closes a client for good, whatever it is doing. QUIT lets a ready connection finish what it
 * sent; a client still connecting (or reconnecting) is disconnected instead, since QUIT would
 * fail without an offline queue and ioredis would still complete the connection afterwards,
 * leaving a client open after its owner closed (found by test/start-failure.test.ts).
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'ready') {
    const quit = await client.quit().then(
      () => true,
      () => false,
    );
    if (quit) return;
  }
  client.disconnect();
}
