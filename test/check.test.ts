import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { toOpenLineage } from '../gateway/lineage/openlineage.js';
import type { LineageEvent } from '../gateway/lineage/types.js';
import type { CheckReport } from '../schema/check/index.js';
import { composeSupergraph } from '../schema/compose.js';
import { runMeshgate } from './support/cli.js';

/**
 * The governance check's fixtures (schema/fixtures/*): each a proposed change, run through
 * the real CLI; the findings (rule, severity, coordinate) and the exit code must be exactly
 * the fixture's.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'schema', 'fixtures');
const DAY = 86_400_000;
const tmp = mkdtempSync(join(tmpdir(), 'meshgate-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ExpectedFinding {
  rule: string;
  severity: string;
  coordinate: string | null;
  subgraphs?: string[];
  messageIncludes?: string;
  consumers?: { principal: string; client: string | null; count: number; coordinates: string[] }[];
}

/** A textual edit of a subgraph's current SDL; `replace` must occur exactly once. */
interface Edit {
  replace: string;
  with: string;
}

interface Fixture {
  description: string;
  subgraph?: string;
  /** The proposed change, as edits of the subgraph's SDL in the tree. */
  edits?: Edit[];
  descriptor?: string;
  /** The baseline, as edits of the same SDL (composed with the other subgraphs). */
  baseEdits?: Edit[];
  lineage?: { principal: string; client: string | null; daysAgo: number; fields: string[] }[];
  policyPatch?: { file: string; rule: string; set: Record<string, unknown> };
  exitCode: number;
  findings: ExpectedFinding[];
}

/** The CLI arguments a fixture stands for; inputs the test must make go to a temporary folder. */
function argsFor(name: string, fixture: Fixture): string[] {
  const dir = join(FIXTURES, name);
  const work = mkdtempSync(join(tmp, `${name}-`));
  const args = ['check', '--format', 'json'];
  if (fixture.subgraph) {
    const schema = join(work, `${fixture.subgraph}.graphql`);
    writeFileSync(schema, edited(name, fixture.subgraph, fixture.edits ?? []));
    args.push('--subgraph', fixture.subgraph, '--schema', schema);
    if (fixture.descriptor) args.push('--descriptor', join(dir, fixture.descriptor));
  }
  if (fixture.baseEdits && fixture.subgraph) {
    const { subgraph, baseEdits } = fixture;
    const sources = readdirSync(join(ROOT, 'subgraphs'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'kit')
      .map((e) => ({
        name: e.name,
        url: `http://${e.name}.subgraph.invalid/graphql`,
        sdl:
          e.name === subgraph
            ? edited(name, subgraph, baseEdits)
            : readFileSync(join(ROOT, 'subgraphs', e.name, 'schema.graphql'), 'utf8'),
      }));
    const composed = composeSupergraph(sources);
    if (!composed.ok)
      throw new Error(
        `fixture ${name}: the baseline does not compose: ${composed.errors.map((e) => e.message).join('; ')}`,
      );
    writeFileSync(join(work, 'base.graphql'), composed.supergraphSdl);
    args.push('--base-schema', join(work, 'base.graphql'));
  }
  if (fixture.lineage) {
    // What `meshgate lineage export` writes: OpenLineage RunEvents, one per line.
    const lines = fixture.lineage.map((read) =>
      JSON.stringify(
        toOpenLineage(
          lineageEvent(read.principal, read.client, Date.now() - read.daysAgo * DAY, read.fields),
        ),
      ),
    );
    writeFileSync(join(work, 'lineage.ndjson'), `${lines.join('\n')}\n`);
    args.push('--lineage', join(work, 'lineage.ndjson'));
  }
  if (fixture.policyPatch) {
    const { file, rule, set } = fixture.policyPatch;
    cpSync(join(ROOT, 'policies'), join(work, 'policies'), { recursive: true });
    const document = parseDocument(readFileSync(join(work, 'policies', file), 'utf8'));
    const rules = document.get('rules') as {
      items: { get(key: string): unknown; set(key: string, value: unknown): void }[];
    };
    const target = rules.items.find((item) => item.get('id') === rule);
    if (!target) throw new Error(`fixture ${name}: no rule ${rule} in policies/${file}`);
    for (const [key, value] of Object.entries(set)) target.set(key, value);
    writeFileSync(join(work, 'policies', file), document.toString());
    args.push('--policies', join(work, 'policies'), '--base-policies', join(ROOT, 'policies'));
  }
  return args;
}

/**
 * The subgraph's SDL in the tree with the fixture's edits applied. An edit whose text is not
 * there exactly once fails the fixture loudly: the fixture follows the SDL, it never rots.
 */
function edited(fixture: string, subgraph: string, edits: Edit[]): string {
  let sdl = readFileSync(join(ROOT, 'subgraphs', subgraph, 'schema.graphql'), 'utf8');
  for (const edit of edits) {
    const found = sdl.split(edit.replace).length - 1;
    if (found !== 1) {
      throw new Error(
        `fixture ${fixture}: ${JSON.stringify(edit.replace)} occurs ${found} times in subgraphs/${subgraph}/schema.graphql`,
      );
    }
    sdl = sdl.replace(edit.replace, edit.with);
  }
  return sdl;
}

function lineageEvent(
  principal: string,
  client: string | null,
  time: number,
  coordinates: string[],
): LineageEvent {
  return {
    id: randomUUID(),
    time: new Date(time).toISOString(),
    requestId: randomUUID(),
    principal: { sub: principal, anonymous: false, roles: ['analyst'] },
    client: { name: client, version: null },
    operation: { name: 'Orders', type: 'query', hash: 'a'.repeat(64) },
    fields: coordinates.map((coordinate) => ({
      path: coordinate,
      coordinate,
      product: 'orders',
      type: 'String',
      decision: { effect: 'allow', rule: null },
    })),
    products: ['orders'],
    fetches: [],
    outcome: 'ok',
    errorCodes: [],
    durationMs: 3,
  };
}

const fixtures = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('meshgate check fixtures', () => {
  it('has the seven fixtures of issue 5', () => {
    expect(fixtures).toEqual([
      'breaking-removal-unused',
      'breaking-removal-used',
      'classified-without-policy',
      'composition-conflict',
      'loosened-policy',
      'missing-owner',
      'unclassified-email',
    ]);
  });

  for (const name of fixtures) {
    it(`${name}: exact findings and exit code`, async () => {
      const fixture = parse(readFileSync(join(FIXTURES, name, 'fixture.yaml'), 'utf8')) as Fixture;
      const run = await runMeshgate(argsFor(name, fixture));
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout) as CheckReport;
      expect(
        report.findings.map((f) => ({ rule: f.rule, severity: f.severity, coordinate: f.coordinate })),
      ).toEqual(
        fixture.findings.map((f) => ({ rule: f.rule, severity: f.severity, coordinate: f.coordinate })),
      );
      fixture.findings.forEach((expected, i) => {
        const actual = report.findings[i]!;
        if (expected.subgraphs) expect(actual.subgraphs).toEqual(expected.subgraphs);
        if (expected.messageIncludes) expect(actual.message).toContain(expected.messageIncludes);
        if (expected.consumers)
          expect(
            actual.consumers?.map(({ principal, client, count, coordinates }) => ({
              principal,
              client,
              count,
              coordinates,
            })),
          ).toEqual(expected.consumers);
      });
      expect(report.exitCode).toBe(fixture.exitCode);
      expect(run.code).toBe(fixture.exitCode);
    });
  }
});

describe('meshgate check on the tree and its bad input', () => {
  it('passes on the current tree (exit 0, no errors)', async () => {
    const run = await runMeshgate(['check', '--format', 'json']);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('prints the blocking removal as a Markdown report naming the consumer and as annotations', async () => {
    const fixture = parse(
      readFileSync(join(FIXTURES, 'breaking-removal-used', 'fixture.yaml'), 'utf8'),
    ) as Fixture;
    const args = argsFor('breaking-removal-used', fixture).map((a) => (a === 'json' ? 'markdown' : a));
    const run = await runMeshgate([...args, '--annotate']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('## meshgate check — ❌ failed: 1 error, 0 warnings, 0 notes');
    expect(run.stdout).toContain('### Sales (orders)');
    expect(run.stdout).toContain('| `analyst-42` | `sales-dashboard` | 3 |');
    expect(run.stdout).toMatch(
      /^::error file=[^,]*orders\.graphql,line=\d+,title=meshgate check%3A breaking-change Order\.placedAt::Field 'placedAt' \(deprecated\) was removed/m,
    );
  });

  it.each([
    [['check', '--format', 'yaml'], 'BAD_USER_INPUT', '--format "yaml"'],
    [['check', '--subgraph', 'orders'], 'BAD_USER_INPUT', '--subgraph and --schema go together'],
    [['check', '--base', 'no-such-ref-ever'], 'BASELINE_UNREADABLE', 'no-such-ref-ever'],
    [['check', '--governance', 'no/such/governance.yaml'], 'GOVERNANCE_INVALID', 'no/such/governance.yaml'],
    [['check', '--lineage', 'no/such/lineage.ndjson'], 'BAD_USER_INPUT', 'no/such/lineage.ndjson'],
  ])('cannot run %j: exit 2 with one line naming %s', async (args, code, detail) => {
    const run = await runMeshgate(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`meshgate: error[${code}]:`);
    expect(run.stderr).toContain(detail);
  });
});
