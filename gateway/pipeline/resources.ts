import { AsyncDisposableStack } from '@whatwg-node/disposablestack';
import type { Stage } from './types.js';

/**
 * Everything the gateway opens, on one stack (Hive Gateway's model): each resource joins it as
 * it is opened, so stopping, and a start that fails half-way, close exactly what was opened,
 * in reverse order, once. A close that throws does not keep the others open: the stack runs
 * them all and throws the errors together afterwards.
 */
export class Resources {
  private readonly stack = new AsyncDisposableStack();

  /** A resource just opened, and how it closes. Null (a feature turned off) opens nothing. */
  open<T>(resource: T, close: (resource: NonNullable<T>) => unknown): T {
    if (resource !== null && resource !== undefined)
      this.stack.defer(async () => {
        await close(resource);
      });
    return resource;
  }

  /** A stage just made: its `close` joins the stack. */
  async stage(made: Stage | Promise<Stage>): Promise<Stage> {
    const stage = await made;
    if (stage.close) this.stack.defer(async () => stage.close!());
    return stage;
  }

  /** Something to run on close that is not a resource of its own (e.g. a flag). */
  defer(onClose: () => unknown): void {
    this.stack.defer(async () => {
      await onClose();
    });
  }

  get closed(): boolean {
    return this.stack.disposed;
  }

  /** Closes everything in reverse order; a second call does nothing. */
  async close(): Promise<void> {
    // The ponyfill answers synchronously (undefined) when nothing it ran was asynchronous.
    await this.stack.disposeAsync();
  }
}
