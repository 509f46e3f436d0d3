import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import type { Catalog, CatalogEntry } from '../gateway/catalog/types.js';
import { CONTENT_SECURITY_POLICY, CSRF_HEADER, SESSION_COOKIE } from '../gateway/console/server/index.js';
import type { LineageEvent } from '../gateway/lineage/types.js';
import { runMeshgate } from './support/cli.js';
import { graphql, sharedMesh } from './support/mesh.js';
import { bearer, personaToken, type Persona } from './support/personas.js';

/** Debian's chromium, driven by playwright-core: no browser download (`.ci/run` installs it). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and the browser profile: printed at the end, two of them copied into docs/console/. */
const OUT = mkdtempSync(join(tmpdir(), 'meshgate-console-'));

let mesh: RunningMesh;
let base: string;
let context: BrowserContext;
/** Every CSP violation chromium reports on any page: there must be none. */
const violations: string[] = [];

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM}: install Debian's chromium (apt-get install chromium)`).toBe(
    true,
  );
  mesh = await sharedMesh();
  base = mesh.gateway.url.replace('/graphql', '');
  // Traffic first, so lineage and SLIs have points: the README's query as three personas and
  // clients, and customers' contact data (masked for the analyst, denied to anonymous).
  for (const [persona, client] of [
    ['analyst', 'notebook'],
    ['support', 'helpdesk'],
    ['data-steward', 'audit'],
  ] as const) {
    for (let i = 0; i < 3; i++) {
      const headers = { ...bearer(personaToken(persona)), 'apollographql-client-name': client };
      expect((await graphql(mesh.gateway.url, EXAMPLE_QUERY, { headers })).status).toBe(200);
      await graphql(mesh.gateway.url, '{ customer(id: "1") { name email phone } }', { headers });
    }
  }
  // Quality results and freshness readings with a history: two runs now, as the schedule would.
  expect(mesh.quality).not.toBeNull();
  for (let run = 0; run < 2; run++) {
    await mesh.quality!.runQualityNow();
    await mesh.quality!.probeFreshnessNow();
  }
  context = await chromium.launchPersistentContext(join(OUT, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  console.log(`console screenshots: ${OUT}`);
});

async function signIn(persona: Exclude<Persona, 'anonymous'>): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  await page.goto(`${base}/console/login`);
  await page.fill('#token', personaToken(persona));
  await Promise.all([page.waitForURL(`${base}/console/`), page.click('button[type=submit]')]);
  await page.waitForSelector('[data-testid=who]');
  return page;
}

/** A request from the signed-in page itself: its session cookie and CSRF header, nothing else. */
async function fromPage(
  page: Page,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ path, body, header }) => {
      const session = (await (await fetch('/console/api/session')).json()) as { csrf: string };
      const response = await fetch(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { [header]: session.csrf, 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    },
    { path, body, header: CSRF_HEADER },
  );
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

describe('the console, in a real browser', () => {
  it('serves every page with the CSP, no inline script, no third-party origin', async () => {
    for (const path of ['/console/login', '/console/assets/console.js']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
    );
    const login = await (await fetch(`${base}/console/login`)).text();
    expect(login).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(login).not.toMatch(/style=|https?:\/\/(?!127\.0\.0\.1)/);
    console.log(`Content-Security-Policy: ${CONTENT_SECURITY_POLICY}`);
  });

  it('signs an analyst in with an HttpOnly SameSite=Strict cookie; the catalog lists the five products with their owners', async () => {
    const page = await signIn('analyst');
    const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // The token is nowhere the page's scripts can read it.
    expect(
      await page.evaluate('JSON.stringify({ ...localStorage }) + document.cookie + location.href'),
    ).not.toMatch(/eyJ/);
    await page.waitForSelector('[data-testid=catalog-table] tbody tr');
    const rows = await page.$$eval('[data-testid=catalog-table] tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-product'), tr.querySelector('.owner')!.textContent]),
    );
    expect(rows).toEqual([
      ['catalog', 'product-catalog <product-catalog@example.com>'],
      ['customers', 'customer-data <customer-data@example.com>'],
      ['orders', 'sales-analytics <sales-analytics@example.com>'],
      ['payments', 'finance-data <finance-data@example.com>'],
      ['shipping', 'logistics-data <logistics-data@example.com>'],
    ]);
    // The analyst's navigation: the catalog and GraphiQL, not lineage or governance.
    expect(await page.$$eval('.top nav a', (as) => as.map((a) => a.textContent))).toEqual([
      'Catalog',
      'GraphiQL',
    ]);
    await page.fill('.search', 'field:cardLast4');
    await vi.waitFor(
      async () =>
        expect(await page.$$eval('[data-testid=catalog-table] tbody tr', (trs) => trs.length)).toBe(1),
      { timeout: 15_000, interval: 100 },
    );
    await page.fill('.search', '');
    await shot(page, 'catalog-analyst');
    await page.close();
  });

  it('refuses an analyst the steward-only pages on the server: 403 from the API itself', async () => {
    const page = await signIn('analyst');
    const refusals = {
      '/admin/lineage?since=1h': await fromPage(page, '/admin/lineage?since=1h'),
      '/admin/slo': await fromPage(page, '/admin/slo'),
      '/admin/incidents': await fromPage(page, '/admin/incidents'),
      '/console/api/checks': await fromPage(page, '/console/api/checks'),
      '/console/api/policy-matrix': await fromPage(page, '/console/api/policy-matrix', {
        personas: ['analyst'],
      }),
    };
    expect(refusals).toMatchObject({
      '/admin/lineage?since=1h': { status: 403, json: { error: { code: 'LINEAGE_FORBIDDEN' } } },
      '/admin/slo': { status: 403, json: { error: { code: 'SLO_FORBIDDEN' } } },
      '/admin/incidents': { status: 403, json: { error: { code: 'SLO_FORBIDDEN' } } },
      '/console/api/checks': { status: 403, json: { error: { code: 'CONSOLE_FORBIDDEN' } } },
      '/console/api/policy-matrix': { status: 403, json: { error: { code: 'CONSOLE_FORBIDDEN' } } },
    });
    for (const [path, { status, json }] of Object.entries(refusals))
      console.log(`analyst ${path}: ${status} ${JSON.stringify(json)}`);
    // Typing the URL of a steward page shows the refusal, not an empty page.
    await page.goto(`${base}/console/#/lineage`);
    await expect(page.textContent('main')).resolves.toMatch(/Lineage is not for your roles/);
    await page.close();
  });

  it('guards the session: CSRF header on every POST, sign-in form CSRF, bad tokens refused, sign-out ends it', async () => {
    const page = await signIn('data-steward');
    const cookie = `${SESSION_COOKIE}=${(await context.cookies()).find((c) => c.name === SESSION_COOKIE)!.value}`;
    // The cookie without the CSRF header: a POST is refused, a GET authenticates nothing.
    const post = await fetch(`${base}/console/api/policy-matrix`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect({ status: post.status, body: await post.json() }).toMatchObject({
      status: 403,
      body: { error: { code: 'CSRF_INVALID' } },
    });
    const graphqlPost = await graphql(mesh.gateway.url, '{ __typename }', { headers: { cookie } });
    expect(graphqlPost.status).toBe(403);
    expect(graphqlPost.body.errors?.[0]?.extensions?.code).toBe('CSRF_INVALID');
    const get = await fetch(`${base}/admin/lineage?since=1h`, { headers: { cookie } });
    expect(get.status).toBe(403); // anonymous: LINEAGE_FORBIDDEN
    // A sign-in form posted without its CSRF cookie (another site's form).
    const forged = await fetch(`${base}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: personaToken('analyst'), csrf: 'x' }).toString(),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('CSRF_INVALID');
    // A bad token: the form again, with the code.
    const bad = await context.newPage();
    await bad.goto(`${base}/console/login`);
    await bad.fill('#token', 'not.a.jwt');
    await bad.click('button[type=submit]');
    await expect(bad.textContent('.error')).resolves.toMatch(/TOKEN_INVALID/);
    await bad.close();
    // Sign out: the session is gone on the server.
    await page.click('.who button');
    await page.waitForURL(`${base}/console/login`);
    const after = await fetch(`${base}/console/api/session`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('CONSOLE_SESSION_REQUIRED');
    await page.close();
  });

  it('shows a product page to a data steward with SLI charts of real points', async () => {
    const steward = bearer(personaToken('data-steward'));
    // SLIs are flushed off the request path, into 10 s buckets: traffic until three buckets have points.
    await vi.waitFor(
      async () => {
        await graphql(mesh.gateway.url, EXAMPLE_QUERY, { headers: steward });
        const slo = (await (
          await fetch(`${base}/admin/slo?product=orders&series=1h`, { headers: steward })
        ).json()) as {
          series: { points: { fetches: number }[] };
        };
        expect(slo.series.points.filter((p) => p.fetches > 0).length).toBeGreaterThanOrEqual(3);
      },
      { timeout: 60_000, interval: 1_000 },
    );
    const page = await signIn('data-steward');
    await page.goto(`${base}/console/#/product/orders`);
    await page.waitForSelector('[data-chart=availability] canvas');
    const charts = await page.$$eval('[data-chart]', (figures) =>
      Object.fromEntries(
        figures.map((f) => [f.getAttribute('data-chart'), Number(f.getAttribute('data-points'))]),
      ),
    );
    expect(charts.availability).toBeGreaterThanOrEqual(3);
    expect(charts['latency p50 / p95 / p99']).toBeGreaterThanOrEqual(3);
    expect(charts['freshness lag']).toBeGreaterThanOrEqual(2);
    // Latency as three percentiles, each a line of its own against the SLA's p95.
    await expect(page.getAttribute('[data-chart="latency p50 / p95 / p99"]', 'data-series')).resolves.toBe(
      '3',
    );
    // The contract's quality rules, each with its history of two runs.
    const quality = await page.$$eval('[data-section=quality] tbody tr', (trs) =>
      trs.map((tr) => tr.querySelectorAll('.history .tick').length),
    );
    expect(quality.length).toBeGreaterThan(0);
    expect(quality.every((ticks) => ticks >= 2)).toBe(true);
    console.log(`orders charts (points): ${JSON.stringify(charts)}`);
    await page.waitForSelector('[data-section=consumers] tbody tr');
    const consumers = await page.$$eval('[data-section=consumers] tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
    );
    expect(consumers).toEqual(
      expect.arrayContaining([
        ['ana', 'notebook'],
        ['sam', 'helpdesk'],
        ['stew', 'audit'],
      ]),
    );
    await expect(page.textContent('[data-section=fields]')).resolves.toContain('Order.status');
    // Incidents from /admin/incidents (a table, or none), never an error panel.
    await page.waitForSelector('[data-section=incidents] table, [data-section=incidents] p.muted');
    await page.waitForSelector('[data-section=versions] .panel, [data-section=versions] ol');
    await shot(page, 'product-orders');
    await page.close();
  });

  it('draws the lineage graph with a node for each product read and each consumer; a click drills down', async () => {
    const { events } = (await (
      await fetch(`${base}/admin/lineage?since=1h&limit=5000`, {
        headers: bearer(personaToken('data-steward')),
      })
    ).json()) as { events: LineageEvent[] };
    const page = await signIn('data-steward');
    await page.goto(`${base}/console/#/lineage`);
    await page.waitForSelector('[data-testid=lineage-graph] canvas');
    // It opens at a zoom where its labels are readable (≥ 0.85: 12 px labels at 10 px or more).
    await page.waitForSelector('[data-testid=lineage-graph][data-zoom]');
    expect(
      Number(await page.getAttribute('[data-testid=lineage-graph]', 'data-zoom')),
    ).toBeGreaterThanOrEqual(0.85);
    const nodes = await page.$$eval('[data-testid=lineage-nodes] li', (lis) =>
      lis.map((li) => li.getAttribute('data-node')!),
    );
    // The page read the lineage a moment after this test did: it may have more, never less.
    const products = [...new Set(events.flatMap((e) => e.fields.map((f) => `product:${f.product}`)))];
    const consumers = [...new Set(events.map((e) => `consumer:${e.principal.sub}/${e.client.name ?? ''}`))];
    expect(products.sort()).toEqual([
      'product:catalog',
      'product:customers',
      'product:orders',
      'product:payments',
      'product:shipping',
    ]);
    expect(nodes).toEqual(expect.arrayContaining([...products, ...consumers]));
    expect(nodes).toEqual(expect.arrayContaining(['consumer:ana/notebook', 'consumer:stew/audit']));
    await page.click('summary');
    await page.click('[data-node="consumer:ana/notebook"] button');
    await page.waitForSelector('[data-testid=lineage-drilldown] tbody tr');
    await expect(page.textContent('[data-testid=lineage-drilldown]')).resolves.toMatch(
      /Customer\.email:mask/,
    );
    await shot(page, 'lineage');
    await page.close();
  });

  it('shows the policy matrix exactly as `meshgate policy explain` prints it, cell for cell', async () => {
    const cli = await runMeshgate([
      'policy',
      'explain',
      '--anonymous',
      ...(['analyst', 'support', 'finance', 'data-steward'] as const).flatMap((p) => [
        '--token',
        personaToken(p),
      ]),
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const table = (text: string) =>
      text
        .trim()
        .split('\n')
        .filter((_, i) => i !== 1)
        .map((line) => line.split(' | ').map((cell) => cell.trim()));
    const expected = table(cli.stdout);
    const page = await signIn('data-steward');
    await page.goto(`${base}/console/#/policy`);
    await page.waitForSelector('[data-testid=policy-matrix] tbody tr');
    const shown = await page.$$eval('[data-testid=policy-matrix] tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent!.trim())),
    );
    expect(shown).toEqual(expected);
    expect(shown.length).toBeGreaterThan(10);
    console.log(
      `policy matrix: ${shown.length - 1} fields × ${shown[0]!.length - 1} principals, equal to the CLI's`,
    );
    await shot(page, 'policy-matrix');

    // A pasted operation: what each principal would get for the fields it reads.
    const operation = '{ customer(id: "1") { name email phone } }';
    const cliQuery = await runMeshgate([
      'policy',
      'explain',
      '--anonymous',
      '--token',
      personaToken('analyst'),
      '--query',
      operation,
    ]);
    await page.uncheck('input[value=support]');
    await page.uncheck('input[value=finance]');
    await page.uncheck('input[value=data-steward]');
    await page.fill('textarea[name=query]', operation);
    await page.click('.policy-form button[type=submit]');
    await vi.waitFor(
      async () => {
        const rows = await page.$$eval('[data-testid=policy-matrix] tr', (trs) =>
          trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent!.trim())),
        );
        expect(rows).toEqual(table(cliQuery.stdout));
      },
      { timeout: 15_000, interval: 100 },
    );
    await page.close();
  });

  it('runs the README example query in GraphiQL, served locally, as the signed-in principal', async () => {
    const page = await signIn('analyst');
    // A browser's GET /graphql opens GraphiQL, not Apollo's hosted Sandbox.
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-container');
    await page.goto(`${base}/console/graphiql?query=${encodeURIComponent(EXAMPLE_QUERY)}`);
    await page.waitForSelector('.graphiql-execute-button');
    await page.click('.graphiql-execute-button');
    // CodeMirror renders the lines in view: the answer's first ones.
    await vi.waitFor(async () => expect(await page.textContent('.result-window')).toMatch(/"order": \{/), {
      timeout: 15_000,
    });
    const answer = (await page.textContent('.result-window'))!;
    expect(answer).toMatch(/"id": "42",\s*"status": "DELIVERED"/);
    expect(answer).not.toContain('"errors"');
    await shot(page, 'graphiql');
    await page.close();
  });

  it('shows governance the schema checks per subgraph', async () => {
    const page = await signIn('data-steward');
    await page.goto(`${base}/console/#/checks`);
    await page.waitForSelector('[data-testid=checks-summary]', { timeout: 30_000 });
    await expect(page.textContent('[data-testid=checks-summary]')).resolves.toMatch(/passed|failed/);
    await shot(page, 'schema-checks');
    await page.close();
  });

  it('renders a catalog of 100 products (time reported)', async () => {
    const real = (await (
      await fetch(`${base}/catalog`, { headers: bearer(personaToken('analyst')) })
    ).json()) as Catalog;
    const products: CatalogEntry[] = Array.from({ length: 100 }, (_, i) => {
      const model = real.products[i % real.products.length]!;
      return { ...model, name: `product-${String(i).padStart(3, '0')}` };
    });
    const page = await signIn('analyst');
    // The same page and components, fed 100 products in place of the gateway's /catalog.
    await page.route(`${base}/catalog`, (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ...real, products }) }),
    );
    await page.goto(`${base}/console/#/catalog`);
    await page.reload();
    await page.waitForSelector('[data-product=product-099]');
    const ms = await page.evaluate(() => {
      const mark = performance.getEntriesByName('catalog-rendered')[0]!;
      return Math.round(mark.startTime);
    });
    await expect(page.textContent('[data-testid=catalog-count]')).resolves.toBe('100 of 100 data products');
    console.log(`catalog with 100 products: rendered ${ms} ms after navigation start`);
    writeFileSync(join(OUT, 'catalog-100.txt'), `${ms} ms\n`);
    await shot(page, 'catalog-100');
    await page.close();
  });

  it('met no CSP violation on any page', () => {
    expect(violations).toEqual([]);
  });
});
