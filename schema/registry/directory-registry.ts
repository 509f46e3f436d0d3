import { appendFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { pollSupergraph } from './poll.js';
import { selectAudit } from './audit-log.js';
import type {
  AuditEntry,
  PublishedSubgraph,
  PublishedSupergraph,
  Registry,
  RegistryCommit,
  RegistryState,
} from './types.js';

/** Which versions are current. Replaced whole, by rename, so a reader never sees half a file. */
interface Pointers {
  supergraph: number;
  subgraphs: Record<string, number>;
}

const LOCK_STALE_MS = 30_000;

/**
 * The embedded registry: a local directory, for one machine (`npm start`, a developer's
 * gateway). Versions are immutable files; `state.json` points at the ones in service.
 *
 *   subgraphs/<name>/<version>.json   supergraphs/<version>.json   state.json   audit.jsonl
 */
export function directoryRegistry(dir: string, pollMs: number): Registry {
  const file = (...parts: string[]) => join(dir, ...parts);
  const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

  async function pointers(): Promise<Pointers> {
    try {
      return await readJson<Pointers>(file('state.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { supergraph: 0, subgraphs: {} };
      throw error;
    }
  }

  async function writeAtomically(path: string, value: unknown): Promise<void> {
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(value, null, 2));
    await rename(temporary, path);
  }

  /** A lock directory: mkdir is atomic; a lock left by a crashed process goes stale. */
  async function withLock<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(dir, { recursive: true });
    const lock = file('.lock');
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
        if (age > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
        else if (attempt > 100)
          throw new StartupError(
            ErrorCode.REGISTRY_CONFLICT,
            `registry ${dir} is locked by another publisher`,
          );
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    try {
      return await work();
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }

  /** One JSON line per entry, appended (under the lock): the log is never rewritten. */
  async function appendAudit(entry: AuditEntry): Promise<void> {
    await mkdir(dir, { recursive: true });
    await appendFile(file('audit.jsonl'), `${JSON.stringify(entry)}\n`);
  }

  const registry: Registry = {
    kind: 'directory',
    location: dir,
    async state(): Promise<RegistryState> {
      const current = await pointers();
      const subgraphs = await Promise.all(
        Object.entries(current.subgraphs).map(([name, version]) =>
          readJson<PublishedSubgraph>(file('subgraphs', name, `${version}.json`)),
        ),
      );
      const supergraph = current.supergraph
        ? await readJson<PublishedSupergraph>(file('supergraphs', `${current.supergraph}.json`))
        : null;
      return { subgraphs: subgraphs.sort((a, b) => a.name.localeCompare(b.name)), supergraph };
    },
    async history(name) {
      const names = await readdir(file('subgraphs', name)).catch(() => [] as string[]);
      const versions = names.filter((n) => /^\d+\.json$/.test(n)).map((n) => Number.parseInt(n, 10));
      return Promise.all(
        versions
          .sort((a, b) => a - b)
          .map((v) => readJson<PublishedSubgraph>(file('subgraphs', name, `${v}.json`))),
      );
    },
    commit: (commit: RegistryCommit, expectedVersion: number) =>
      withLock(async () => {
        const current = await pointers();
        if (current.supergraph !== expectedVersion) {
          throw new StartupError(
            ErrorCode.REGISTRY_CONFLICT,
            `the registry moved to supergraph v${current.supergraph} while this change was checked against v${expectedVersion}; publish again`,
          );
        }
        for (const subgraph of commit.subgraphs) {
          await mkdir(file('subgraphs', subgraph.name), { recursive: true });
          await writeAtomically(file('subgraphs', subgraph.name, `${subgraph.version}.json`), subgraph);
          current.subgraphs[subgraph.name] = subgraph.version;
        }
        await mkdir(file('supergraphs'), { recursive: true });
        await writeAtomically(file('supergraphs', `${commit.supergraph.version}.json`), commit.supergraph);
        current.supergraph = commit.supergraph.version;
        await writeAtomically(file('state.json'), current);
        if (commit.audit) await appendAudit(commit.audit);
      }),
    appendAudit: (entry) => withLock(() => appendAudit(entry)),
    async audit(query = {}) {
      const text = await readFile(file('audit.jsonl'), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      const lines = text.split('\n').filter(Boolean);
      return selectAudit(lines.map((line) => JSON.parse(line) as AuditEntry).reverse(), query);
    },
    watch: (onSupergraph, onError) => pollSupergraph(registry, pollMs, onSupergraph, onError),
    close: async () => undefined,
  };
  return registry;
}
