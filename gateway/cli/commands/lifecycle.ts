import { Option } from 'commander';
import type { Logger } from '../../common/logger.js';

export const portOption = () =>
  new Option('-p, --port <port>', 'port to listen on (default: PORT, then the default port)');

/** Stops gracefully on SIGINT/SIGTERM, then exits. */
export function stopOnSignal(logger: Logger, stop: () => Promise<void>) {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
}
