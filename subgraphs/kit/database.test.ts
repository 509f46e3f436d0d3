import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../gateway/common/errors.js';
import { openDatabase } from './database.js';

const dir = mkdtempSync(join(tmpdir(), 'meshgate-pglite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the embedded database', () => {
  it('keeps its data in its directory between opens', async () => {
    const first = await openDatabase({ schema: 'kept', dataDir: dir });
    await first.exec('CREATE TABLE t (x int); INSERT INTO t VALUES (42);');
    await first.close();
    const again = await openDatabase({ schema: 'kept', dataDir: dir });
    expect(await again.query<{ x: number }>('SELECT x FROM t')).toEqual([{ x: 42 }]);
    await again.close();
  });

  it('refuses an unreadable directory with a code, naming it and the way out', async () => {
    // What a run killed mid-write can leave: here, the control file zeroed.
    const control = join(dir, 'global', 'pg_control');
    writeFileSync(control, Buffer.alloc(statSync(control).size));
    await expect(openDatabase({ schema: 'kept', dataDir: dir })).rejects.toMatchObject({
      code: ErrorCode.DATABASE_UNREACHABLE,
      message: expect.stringMatching(
        new RegExp(
          `^cannot open the embedded database in ${dir} \\(.+\\): .*remove that directory and start again`,
        ),
      ),
    });
  });
});
