import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runMeshgate } from '../../test/support/cli.js';
import { latencyBucketSeconds } from './prometheus-rules.js';

/** Debian's `prometheus` package puts promtool here; `.ci/run` installs it when missing. */
const PROMTOOL = 'promtool';
const FIXTURE = fileURLToPath(new URL('./promtool/rules.test.yml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'meshgate-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs promtool and returns what it printed, failing the test with its output on a non-zero exit. */
function promtool(args: string[]): string {
  try {
    return execFileSync(PROMTOOL, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

describe('meshgate alerts rules', () => {
  it('writes rules promtool accepts and whose unit tests pass', async () => {
    const run = await runMeshgate(['alerts', 'rules', '--output', join(dir, 'rules.yml')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const rules = parse(readFileSync(join(dir, 'rules.yml'), 'utf8')) as {
      groups: {
        name: string;
        rules: { alert?: string; record?: string; labels?: Record<string, string> }[];
      }[];
    };
    expect(rules.groups.map((g) => g.name)).toEqual([
      'meshgate-data-product-slis',
      'meshgate-catalog',
      'meshgate-customers',
      'meshgate-orders',
      'meshgate-payments',
      'meshgate-shipping',
    ]);
    // Per product: 2 latency recordings, 4 burn pairs, latency, down, quality, freshness.
    for (const group of rules.groups.slice(1)) expect(group.rules).toHaveLength(10);
    const orders = rules.groups[3]!.rules.filter((r) => r.alert === 'DataProductErrorBudgetBurn');
    expect(orders.map((r) => `${r.labels!.severity} ${r.labels!.window}`)).toEqual([
      'page 1h/5m',
      'page 6h/30m',
      'ticket 1d/2h',
      'ticket 3d/6h',
    ]);

    const check = promtool(['check', 'rules', 'rules.yml']);
    console.log(`$ promtool check rules rules.yml\n${check}`);
    expect(check).toContain('SUCCESS: 57 rules found');

    copyFileSync(FIXTURE, join(dir, 'rules.test.yml'));
    const test = promtool(['test', 'rules', 'rules.test.yml']);
    console.log(`$ promtool test rules rules.test.yml\n${test}`);
    expect(test).toContain('SUCCESS');
  });

  it('reads a latency target at its histogram bucket, or the next one below', () => {
    expect(latencyBucketSeconds(300)).toBe(0.3);
    expect(latencyBucketSeconds(250)).toBe(0.2);
    expect(latencyBucketSeconds(0.5)).toBe(0.001);
  });
});
