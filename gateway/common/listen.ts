import { ErrorCode, StartupError } from './errors.js';

/** Listens, turning "port taken" into a one-line start-up error that names the port. */
export async function listen(
  app: { listen(o: { port: number; host: string }): Promise<string>; server: { address(): unknown } },
  port: number,
  host: string,
  what: string,
): Promise<number> {
  try {
    await app.listen({ port, host });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError(
        ErrorCode.PORT_IN_USE,
        `${what}: port ${port} on ${host} is already in use`,
        cause,
      );
    }
    throw cause;
  }
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? (address as { port: number }).port : port;
}
