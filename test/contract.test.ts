import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CheckReport } from '../schema/check/index.js';
import { runMeshgate } from './support/cli.js';

/**
 * `meshgate contract export|import` and `meshgate check` on data contracts, through the real
 * CLI: the export validates against the vendored official ODCS v3.1.0 schema (compiled here
 * with ajv directly, not through the product's validator), a round trip is byte-identical,
 * and a broken contract is refused naming the file and the JSON pointer.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'meshgate-contract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;
const ajv = new Ajv2019({ allErrors: true, strict: false });
addFormats(ajv);
const validateOdcs = ajv.compile(
  JSON.parse(
    readFileSync(join(ROOT, 'schema/contract/odcs-spec/odcs-json-schema-v3.1.0.json'), 'utf8'),
  ) as object,
);

describe('meshgate contract export', () => {
  it('prints the orders contract as ODCS YAML that the official schema accepts', async () => {
    const run = await runMeshgate(['contract', 'export', '--product', 'orders']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const contract = parse(run.stdout) as Record<string, unknown>;
    expect(validateOdcs(contract), JSON.stringify(validateOdcs.errors)).toBe(true);
    expect(contract).toMatchObject({
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      name: 'orders',
      domain: 'Sales',
    });
    // Nothing but the file's comments is left out.
    expect(contract).toEqual(parse(readFileSync(join(ROOT, 'subgraphs/orders/contract.odcs.yaml'), 'utf8')));
  });

  it('refuses an unknown product and an unknown format', async () => {
    const unknown = await runMeshgate(['contract', 'export', '--product', 'inventory']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^meshgate: error\[UNKNOWN_SUBGRAPH\]: unknown data product "inventory"/);
    const format = await runMeshgate(['contract', 'export', '--product', 'orders', '--format', 'json']);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('error[BAD_USER_INPUT]: --format json: the only format is odcs');
  });
});

describe('meshgate contract import', () => {
  it('export → import → export: the same bytes', async () => {
    const exported = (await runMeshgate(['contract', 'export', '--product', 'payments'])).stdout;
    writeFileSync(join(tmp, 'payments.yaml'), exported);
    const run = await runMeshgate([
      'contract',
      'import',
      join(tmp, 'payments.yaml'),
      '--to',
      join(tmp, 'payments'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `imported the contract of payments 1.0.0 into ${join(tmp, 'payments', 'contract.odcs.yaml')}: 5 quality rules, 2 roles, freshness payments.paid_at within 15m\n`,
    );
    expect(readFileSync(join(tmp, 'payments', 'contract.odcs.yaml'), 'utf8')).toBe(exported);
  });

  it('refuses a contract that is not valid ODCS or disagrees with the SDL, naming the file and the pointers', async () => {
    const contract = parse((await runMeshgate(['contract', 'export', '--product', 'orders'])).stdout) as {
      schema: { properties: { name: string; required?: boolean }[] }[];
      slaProperties: { value: unknown }[];
    } & Record<string, unknown>;
    contract.owner = 'someone';
    contract.schema[0]!.properties.find((p) => p.name === 'placedAt')!.required = false;
    const file = join(tmp, 'broken.yaml');
    writeFileSync(file, JSON.stringify(contract));
    const run = await runMeshgate(['contract', 'import', file, '--to', join(tmp, 'broken')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `meshgate: error[CONTRACT_INVALID]: ${file} is not a valid data contract: (root): has no property "owner" in ODCS v3.1.0; ` +
        '/schema/0/properties/1/required: Order.placedAt is non-null in schema.graphql: required must be true\n',
    );
  });
});

describe('meshgate check on data contracts', () => {
  const schema = join(ROOT, 'subgraphs/orders/schema.graphql');
  const check = async (contract: unknown) => {
    const file = join(tmp, `check-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, JSON.stringify(contract, null, 2));
    const run = await runMeshgate([
      'check',
      '--format',
      'json',
      '--subgraph',
      'orders',
      '--schema',
      schema,
      '--descriptor',
      file,
    ]);
    return { run, file, report: JSON.parse(run.stdout) as CheckReport };
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test edits the document freely
  type Editable = Record<string, any>;
  const orders = () =>
    runMeshgate(['contract', 'export', '--product', 'orders']).then((r) => parse(r.stdout) as Editable);

  it('refuses a contract that breaks the official schema: finding at the file, the line and the pointer', async () => {
    const contract = await orders();
    contract.schema[0].properties[2].quality[0].dimension = 'beauty';
    const { run, file, report } = await check(contract);
    expect(run.code).toBe(1);
    const findings = report.findings.filter((f) => f.severity === 'error');
    expect(findings.map((f) => f.rule)).toEqual(['descriptor']);
    expect(findings[0]!.message).toContain(`${relative(ROOT, file)} is not a valid data contract: `);
    expect(findings[0]!.message).toContain(
      '/schema/0/properties/2/quality/0/dimension: must be one of accuracy, completeness, conformity, consistency, coverage, timeliness, uniqueness',
    );
    // JSON.stringify(…, 2) puts that dimension on its own line.
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"beauty"')) + 1;
    expect(findings[0]!.location).toEqual({ file: relative(ROOT, file), line });
  });

  it('refuses a contract whose schema disagrees with schema.graphql', async () => {
    const contract = await orders();
    contract.schema[0].properties = contract.schema[0].properties.filter(
      (p: { name: string }) => p.name !== 'status',
    );
    const { run, file, report } = await check(contract);
    expect(run.code).toBe(1);
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => [f.rule, f.message])).toEqual([
      [
        'descriptor',
        `subgraph orders: ${relative(ROOT, file)} disagrees with subgraphs/orders/schema.graphql: ` +
          '/schema/0/properties: has no property status: schema.graphql has Order.status',
      ],
    ]);
  });

  it('passes the tree: every product has a valid contract agreeing with its SDL', async () => {
    const run = await runMeshgate(['check', '--format', 'json']);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report.findings.filter((f) => f.rule === 'descriptor')).toEqual([]);
    expect(run.code).toBe(0);
  });
});
