import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../gateway/common/logger.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { sharedMesh, testConfig } from './support/mesh.js';
import { AUDIENCE, startTestProvider, type TestProvider } from './support/oidc-provider.js';
import { freePort } from './support/redis-server.js';

/**
 * The console's single sign-on in Debian's chromium against a real OpenID provider: the
 * user's name and password typed into the provider's own page, the catalog, a renewed access
 * token, sign-out through the provider (RP-initiated logout), and signed out there too.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '..', 'docs', 'screenshots');

let provider: TestProvider;
let gateway: RunningGateway;
let context: BrowserContext;
let base: string;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM}: install Debian's chromium (apt-get install chromium)`).toBe(
    true,
  );
  mkdirSync(SHOTS, { recursive: true });
  const mesh = await sharedMesh();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startTestProvider({
    users: { ana: { password: 'correct horse battery', claims: { roles: ['analyst'], teams: ['sales'] } } },
    clients: [
      {
        id: 'meshgate-console',
        secret: 'console-secret',
        redirectUris: [`${base}/console/callback`],
        postLogoutRedirectUris: [`${base}/console/signed-out`],
      },
    ],
    // Shorter than the console's renewal margin (60 s): every request of the session renews it.
    accessTokenTtl: 65,
  });
  const config = testConfig({
    OIDC_ISSUER: provider.issuer,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_CLIENT_ID: 'meshgate-console',
    OIDC_CLIENT_SECRET: 'console-secret',
    OIDC_SCOPES: 'openid profile offline_access read',
    MESHGATE_SLI: 'off',
    MESHGATE_INCIDENTS: 'off',
  });
  const subgraphUrls = Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url]));
  gateway = await startGateway({ ...config, port, subgraphUrls }, createLogger('silent'));
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'meshgate-sso-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await gateway?.stop();
  await provider?.stop();
});

const shot = async (page: Page, name: string) => {
  const path = join(SHOTS, `console-sso-${name}.png`);
  await page.screenshot({ path });
  console.log(`screenshot: docs/screenshots/console-sso-${name}.png`);
};

describe('console single sign-on', () => {
  it('signs in at the provider, lands on the catalog, renews the token server-side, and signs out at the provider too', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/console/login`);
    // The provider's own sign-in page.
    await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    await page.fill('#username', 'ana');
    await page.fill('#password', 'wrong');
    await page.click('button[type=submit]');
    await expect(page.textContent('.error')).resolves.toBe('wrong user name or password');
    await page.fill('#username', 'ana');
    await page.fill('#password', 'correct horse battery');
    await shot(page, '1-provider-login');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/console/`);
    await page.waitForSelector('[data-testid=who]');
    await expect(page.textContent('[data-testid=who]')).resolves.toContain('ana [analyst]');
    await page.waitForSelector('text=customers');
    await shot(page, '2-catalog');

    // The session cookie: HttpOnly, SameSite=Strict, a random id; no token reaches the browser.
    const cookies = await context.cookies(base);
    const session = cookies.find((c) => c.name === 'meshgate_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
    expect(session.value).toMatch(/^[\w-]{43}$/);
    const view = await page.evaluate(async () => (await fetch('/console/api/session')).text());
    expect(JSON.parse(view)).toMatchObject({ sub: 'ana', roles: ['analyst'] });
    expect(view).not.toMatch(/refresh|eyJ/);

    // The access token lives 65 s, inside the 60 s renewal margin after 5 s: the next request renews it.
    const tokensBefore = provider.fetches.token;
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    await page.reload();
    await page.waitForSelector('[data-testid=who]');
    await vi.waitFor(() => expect(provider.fetches.token).toBeGreaterThan(tokensBefore), {
      timeout: 30_000,
      interval: 100,
    });
    await expect(page.textContent('[data-testid=who]')).resolves.toContain('ana [analyst]');
    console.log(
      `refresh: ${provider.fetches.token - tokensBefore} refresh_token grant(s) made by the gateway`,
    );

    // Sign out: the console ends the session and sends the browser to the provider's end_session_endpoint.
    await page.click('.who button');
    await page.waitForURL(new RegExp(`^${provider.issuer}/`));
    await shot(page, '3-provider-logout');
    await page.click('button[name=logout]');
    await page.waitForURL(`${base}/console/signed-out`);
    await expect(page.textContent('[data-testid=notice]')).resolves.toContain('signed out');
    await shot(page, '4-signed-out');
    const after = await fetch(`${base}/console/api/session`, {
      headers: { cookie: `meshgate_session=${session.value}` },
    });
    expect(after.status).toBe(401);

    // Signed out at the provider too: signing in again asks for the password again.
    await page.goto(`${base}/console/login`);
    await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    await expect(page.isVisible('#password')).resolves.toBe(true);
    await page.close();
  });

  it('refuses a callback with no sign-in under way (replay, or another browser) with CONSOLE_SSO_FAILED', async () => {
    const response = await fetch(`${base}/console/callback?code=stolen&state=guess`);
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('CONSOLE_SSO_FAILED');
  });
});
