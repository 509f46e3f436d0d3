import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dataProducts } from '../../subgraphs/index.js';
import { descriptorFromContract, productSla } from '../../gateway/protocol/index.js';
import { contractProblems, contractText } from './contract-file.js';
import { sdlDisagreements } from './sdl-agreement.js';
import { odcsProblems } from './validate-contract.js';

const orders = dataProducts.find((p) => p.name === 'orders')!;
/** A fresh, mutable copy of the orders contract. */
const ordersContract = () => structuredClone(orders.descriptor.contract) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a test edits arbitrary paths of a YAML document

describe('the data products’ contracts', () => {
  it.each(dataProducts.map((p) => p.name))(
    '%s validates against the official ODCS v3.1.0 schema and its SDL',
    (name) => {
      const product = dataProducts.find((p) => p.name === name)!;
      expect(odcsProblems(product.descriptor.contract)).toEqual([]);
      expect(contractProblems(product.descriptor.contract, product.sdl)).toEqual([]);
    },
  );

  it('derive the descriptor the catalog, registry and policies read, with roles, SLA and rules', () => {
    const d = orders.descriptor;
    expect({
      name: d.name,
      domain: d.domain,
      owner: d.owner,
      version: d.version,
      status: d.status,
      slo: d.slo,
    }).toEqual({
      name: 'orders',
      domain: 'Sales',
      owner: { team: 'sales-analytics', email: 'sales-analytics@example.com' },
      version: '1.0.0',
      status: 'active',
      slo: { freshness: '5m', availability: 99.9 },
    });
    expect(d.roles).toEqual([
      {
        role: 'orders-reader',
        access: 'read',
        firstLevelApprovers: ['sales-analytics-lead'],
        secondLevelApprovers: ['data-steward'],
      },
      {
        role: 'orders-writer',
        access: 'write',
        firstLevelApprovers: ['sales-analytics-lead', 'sales-operations-lead'],
        secondLevelApprovers: ['data-steward'],
      },
    ]);
    expect(d.quality.map((r) => `${r.id}:${r.type}:${r.table}.${r.column ?? '*'}`)).toEqual([
      'orders-not-empty:library:orders.*',
      'order-has-lines:sql:orders.*',
      'order-not-in-future:sql:orders.*',
      'order-status-known:library:orders.status',
      'order-customer-present:library:orders.customer_id',
      'order-line-price-whole-cents:library:order_lines.unit_price_cents',
    ]);
    expect(productSla(d)).toEqual({
      availabilityPercent: 99.9,
      latencyP95Ms: 300,
      errorRatePercent: 0.1,
      freshness: { element: 'orders.placed_at', maxLagSeconds: 300 },
      maxAgeSeconds: {},
    });
    const payments = dataProducts.find((p) => p.name === 'payments')!.descriptor;
    expect(payments.classification).toEqual({ 'Payment.cardLast4': 'pci', 'Payment.cardHolder': 'pii' });
  });

  it('reads per-type freshness (maxAgeSeconds) and latency units into productSla', () => {
    const contract = ordersContract();
    contract.schema[0].customProperties = [{ property: 'maxAgeSeconds', value: 60 }];
    contract.schema[0].properties[2].customProperties = [{ property: 'maxAgeSeconds', value: 30 }];
    contract.slaProperties[1] = { property: 'latency', value: 0.25, unit: 's', valueExt: 'p95' };
    contract.slaProperties[3] = { property: 'latency', value: 2, unit: 'h', element: 'orders.placed_at' };
    const reading = descriptorFromContract(contract);
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(productSla(reading.descriptor)).toMatchObject({
      latencyP95Ms: 250,
      freshness: { element: 'orders.placed_at', maxLagSeconds: 7_200 },
      maxAgeSeconds: { Order: 60, 'Order.status': 30 },
    });
    expect(reading.descriptor.slo.freshness).toBe('2h');
  });
});

describe('contract validation', () => {
  it('names the JSON pointer of each problem, from the official schema and from meshgate’s requirements', () => {
    const contract = ordersContract();
    contract.schema[0].properties[2].quality[0].dimension = 'beauty';
    contract.roles[0].firstLevelApprovers = ['not', 'a string'];
    delete contract.team;
    const problems = contractProblems(contract, orders.sdl);
    const pointers = problems.map((p) => p.pointer);
    expect(pointers).toContain('/schema/0/properties/2/quality/0/dimension');
    expect(pointers).toContain('/roles/0/firstLevelApprovers');
    expect(pointers).toContain('/team');
    expect(odcsProblems(contract).map((p) => p.pointer)).toEqual([
      '/schema/0/properties/2/quality/0/dimension',
      '/roles/0/firstLevelApprovers',
    ]);
    // The SLA numbers are read once the contract has the shape meshgate reads.
    const noErrorRate = ordersContract();
    noErrorRate.slaProperties.splice(2, 1);
    noErrorRate.slaProperties[0].value = 120;
    expect(contractProblems(noErrorRate, orders.sdl)).toEqual([
      { pointer: '/slaProperties', message: 'needs an errorRate property (percent)' },
      { pointer: '/slaProperties/0/value', message: 'must be a percentage above 0, at most 100' },
    ]);
  });

  it('refuses quality rules it cannot run and duplicate rule ids', () => {
    const contract = ordersContract();
    contract.schema[0].properties[3].quality[0].metric = 'invalidValues'; // on customer_id, no arguments
    contract.schema[0].quality[1].id = 'orders-not-empty';
    contract.schema[0].quality.push({
      id: 'two-operators',
      metric: 'rowCount',
      mustBe: 1,
      mustBeLessThan: 3,
      dimension: 'completeness',
      severity: 'error',
    });
    const reading = descriptorFromContract(contract);
    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.problems).toEqual([
      { pointer: '/schema/0/quality/3', message: expect.stringMatching(/^needs exactly one of mustBe/) },
    ]);
    delete contract.schema[0].quality[3];
    contract.schema[0].quality.length = 3;
    const second = descriptorFromContract(contract);
    expect(second.ok ? [] : second.problems).toEqual([
      {
        pointer: '/schema/0/quality/1/id',
        message: '"orders-not-empty" is the id of /schema/0/quality/0 too',
      },
      {
        pointer: '/schema/0/properties/3/quality/0/arguments',
        message: 'invalidValues needs arguments.validValues or arguments.pattern',
      },
    ]);
  });

  it('refuses a contract whose schema disagrees with the SDL: missing, extra, retyped, reclassified', () => {
    const contract = ordersContract();
    contract.schema[0].properties = contract.schema[0].properties.filter(
      (p: { name: string }) => p.name !== 'total',
    );
    contract.schema[0].properties.push({ name: 'discount', logicalType: 'number' });
    contract.schema[0].properties[0].logicalType = 'integer';
    contract.schema[0].properties[2].classification = 'pii';
    contract.schema = contract.schema.filter((o: { name: string }) => o.name !== 'Product');
    expect(sdlDisagreements(orders.sdl, contract)).toEqual([
      { pointer: '/schema', message: 'has no object Product, which schema.graphql defines' },
      { pointer: '/schema/0/properties', message: 'has no property total: schema.graphql has Order.total' },
      {
        pointer: '/schema/0/properties/0/logicalType',
        message: 'Order.id is string in schema.graphql, not integer',
      },
      {
        pointer: '/schema/0/properties/2/classification',
        message: 'Order.status is classified pii but schema.graphql does not tag it @tag(name: "pii")',
      },
      { pointer: '/schema/0/properties/5/name', message: 'Order.discount is not a field of schema.graphql' },
    ]);
    const customers = dataProducts.find((p) => p.name === 'customers')!;
    const unclassified = structuredClone(customers.descriptor.contract) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    delete unclassified.schema[0].properties[2].classification;
    expect(sdlDisagreements(customers.sdl, unclassified)).toEqual([
      {
        pointer: '/schema/0/properties/2/classification',
        message: 'Customer.email is tagged pii in schema.graphql: classify it pii',
      },
    ]);
  });
});

describe('export → import → export', () => {
  it.each(dataProducts.map((p) => p.name))('%s: identical text, nothing lost', (name) => {
    const product = dataProducts.find((p) => p.name === name)!;
    const exported = contractText(product.descriptor.contract);
    const imported = parse(exported) as unknown;
    expect(contractProblems(imported, product.sdl)).toEqual([]);
    expect(contractText(imported)).toBe(exported);
    // The committed file, comments aside, is the document exported.
    const file = parse(
      readFileSync(new URL(`../../subgraphs/${name}/contract.odcs.yaml`, import.meta.url), 'utf8'),
    );
    expect(imported).toEqual(file);
    const again = descriptorFromContract(imported);
    expect(again.ok && again.descriptor).toEqual(product.descriptor);
  });
});
