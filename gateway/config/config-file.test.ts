import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'meshgate-config-file-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('configuration from a file plus env', () => {
  it('reads YAML values; the environment wins over the file', () => {
    const path = file('ok.yaml', 'PORT: 5100\nMAX_DEPTH: 7\nSAFELIST: off\nRATE_LIMIT_POINTS: 50\n');
    const config = loadConfig({ MESHGATE_CONFIG: path, MAX_DEPTH: '9' });
    expect(config.port).toBe(5100);
    expect(config.limits.maxDepth).toBe(9);
    expect(config.limits.rateLimit.points).toBe(50);
  });

  it('names the file and the variable for a bad value, an unknown key, a nested value', () => {
    expect(() => loadConfig({ MESHGATE_CONFIG: file('bad.yaml', 'MAX_DEPTH: deep\n') })).toThrow(
      /MAX_DEPTH="deep" \(in .*bad\.yaml\): must be a number of levels/,
    );
    expect(() => loadConfig({ MESHGATE_CONFIG: file('unknown.yaml', 'MAX_DEPT: 3\n') })).toThrow(
      /unknown\.yaml: MAX_DEPT: not a meshgate variable/,
    );
    expect(() => loadConfig({ MESHGATE_CONFIG: file('nested.yaml', 'PORT: { a: 1 }\n') })).toThrow(
      /PORT: must be a string, a number or true\/false/,
    );
    expect(() => loadConfig({ MESHGATE_CONFIG: join(dir, 'missing.yaml') })).toThrow(
      /config file .*missing\.yaml: ENOENT/,
    );
    expect(() => loadConfig({ SAFELIST: 'on' })).toThrow(/SAFELIST=on needs SAFELIST_PATH/);
  });
});
