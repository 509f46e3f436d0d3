/**
 * The environment of a test's own registry world: a private Redis holding the registry under
 * its own prefix, a scratch state directory and policy directory, and a gateway that reads
 * the registry quickly and runs no cache, probe or incidents (the tests count what they see).
 * Passed to the in-process registry and gateway and to the CLI processes alike.
 */
export function registryTestEnv(world: {
  readonly stateDir: string;
  readonly policyDir: string;
  readonly redisUrl: string;
  readonly prefix: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    MESHGATE_STATE_DIR: world.stateDir,
    POLICY_DIR: world.policyDir,
    REDIS_URL: world.redisUrl,
    REGISTRY_PREFIX: world.prefix,
    REGISTRY_POLL_MS: '200',
    MESHGATE_CACHE: 'off',
    MESHGATE_PROBE: 'off',
    MESHGATE_INCIDENTS: 'off',
  };
}
