import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueToken } from '../gateway/auth/index.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import type { RunningGateway } from '../gateway/server.js';
import type { AccessRequest, AuditEntry } from '../gateway/access/index.js';
import { runMeshgate } from './support/cli.js';
import { graphql, sharedMesh, testConfig } from './support/mesh.js';
import { captureLogger, opsGateway, type LogLine } from './support/ops.js';
import { bearer, personaToken } from './support/personas.js';

/**
 * Access requests end to end: sam (support, purpose support) asks for Customer.birthDate,
 * which no rule gives support; an approver named in the customers contract approves it; the
 * grant file appears in GRANTS_DIR, the gateway picks it up without a restart, sam reads the
 * field, and after the short duration the grant expires and sam is refused again. A grant
 * edited by hand is ignored, with the reason logged. Every step is in the audit log.
 */
let mesh: RunningMesh;
let gateway: RunningGateway;
let lines: LogLine[];
const grantsDir = mkdtempSync(join(tmpdir(), 'meshgate-grants-'));
const env = { GRANTS_DIR: grantsDir };
const config = testConfig();
const token = (sub: string, roles: string[]) =>
  issueToken(config.security.auth, config.stateDir, { sub, roles });
const sam = personaToken('support');
/** Named in subgraphs/customers/contract.odcs.yaml: roles[].firstLevelApprovers customer-data-lead. */
const carla = token('carla', ['customer-data-lead']);
const fin = personaToken('finance');
const QUERY = '{ customer(id: "4219") { name birthDate } }';

let base: string;
const api = (path: string, who: string, body?: unknown, contentType = 'application/json') =>
  fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...bearer(who), ...(body !== undefined && { 'content-type': contentType }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const cli = (args: string[], who: string) =>
  runMeshgate(['access', ...args], { ...env, MESHGATE_TOKEN: who });
const birthDate = async () => {
  const { body } = await graphql<{ customer: { birthDate: string | null } }>(gateway.url, QUERY, {
    headers: bearer(sam),
  });
  return { value: body.data?.customer.birthDate, rule: body.errors?.[0]?.extensions?.rule };
};

beforeAll(async () => {
  mesh = await sharedMesh();
  const captured = captureLogger('info');
  lines = captured.lines;
  gateway = await opsGateway(mesh, env, captured.logger);
  base = gateway.url.replace('/graphql', '');
});
afterAll(async () => {
  await gateway?.stop();
});

describe('an access request, from request to grant to expiry', () => {
  let id: string;

  it('is refused for bad input: an unknown field or product, no JSON', async () => {
    const bad = await api('/admin/access-requests', sam, {
      product: 'customers',
      fields: ['Customer.shoeSize'],
      purpose: 'support',
      duration: '1d',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: 'ACCESS_REQUEST_INVALID', message: 'unknown field Customer.shoeSize' },
    });
    const product = await api('/admin/access-requests', sam, {
      product: 'hr',
      fields: ['Customer.email'],
      purpose: 'support',
      duration: '1d',
    });
    expect(((await product.json()) as { error: { message: string } }).error.message).toMatch(
      /^unknown data product "hr"/,
    );
    const elsewhere = await api('/admin/access-requests', sam, {
      product: 'orders',
      fields: ['Customer.email'],
      purpose: 'support',
      duration: '1d',
    });
    expect(((await elsewhere.json()) as { error: { message: string } }).error.message).toBe(
      'Customer.email is not served by orders',
    );
    const form = await api(
      '/admin/access-requests',
      sam,
      'product=customers',
      'application/x-www-form-urlencoded',
    );
    expect(form.status).toBe(415);
  });

  it('is made by the signed-in principal and listed for the approvers named in the contract', async () => {
    expect(await birthDate()).toEqual({ value: null, rule: 'default-deny:pii' });
    const made = await api('/admin/access-requests', sam, {
      product: 'customers',
      fields: ['Customer.birthDate'],
      purpose: 'support',
      duration: '12s',
    });
    expect(made.status).toBe(201);
    const request = (await made.json()) as AccessRequest;
    id = request.id;
    expect(request).toMatchObject({
      product: 'customers',
      fields: ['Customer.birthDate'],
      requestedBy: 'sam',
      grantee: { sub: 'sam' },
      status: 'pending',
    });
    const listed = await cli(['list'], carla);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${id}  pending  customers Customer.birthDate for sam, purpose support`);
    // Finance is named nowhere in the customers contract: it sees nothing to review, and may not approve.
    expect((await cli(['list'], fin)).stdout).not.toContain(id);
    const refused = await api(`/admin/access-requests/${id}/approve`, fin, {});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ACCESS_FORBIDDEN');
  });

  it('compiles into a signed grant file on approval; the gateway applies it without a restart', async () => {
    const approved = await cli(['approve', id], carla);
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toMatch(new RegExp(`^approved ${id}: grant ${id}.yaml until `));
    const grant = readFileSync(join(grantsDir, `${id}.yaml`), 'utf8');
    expect(grant).toContain(`when: principal.sub == 'sam' && principal.attributes.purpose == 'support'`);
    expect(grant).toMatch(/approvedBy: carla\n/);
    expect(grant).toMatch(/signature: hmac-sha256:[0-9a-f]{64}\n/);
    await vi.waitFor(
      async () => expect(await birthDate()).toEqual({ value: '1976-06-12', rule: undefined }),
      { timeout: 5_000, interval: 100 },
    );
    // Only for the purpose: sam on another errand is refused.
    const other = personaToken('support', { attributes: { purpose: 'marketing' } });
    const { body } = await graphql<{ customer: { birthDate: string | null } }>(gateway.url, QUERY, {
      headers: bearer(other),
    });
    expect(body.data?.customer.birthDate).toBeNull();
  });

  it('stops applying when it expires', async () => {
    await vi.waitFor(
      async () => expect(await birthDate()).toEqual({ value: null, rule: 'default-deny:pii' }),
      { timeout: 20_000, interval: 250 },
    );
    expect(lines.some((l) => l.grant === `${id}.yaml` && String(l.reason).startsWith('expired at'))).toBe(
      true,
    );
  });

  it('ignores a tampered grant, logging why', async () => {
    const made = await api('/admin/access-requests', sam, {
      product: 'customers',
      fields: ['Customer.birthDate'],
      purpose: 'support',
      duration: '1d',
    });
    const { id: second } = (await made.json()) as AccessRequest;
    const approved = await api(`/admin/access-requests/${second}/approve`, carla, { note: 'ticket 4711' });
    expect(approved.status).toBe(200);
    await vi.waitFor(async () => expect((await birthDate()).value).toBe('1976-06-12'), {
      timeout: 5_000,
      interval: 100,
    });
    // meshgate policy test compiles the grant like any rule: the case that pins support's
    // birthDate as denied now fails, naming the grant, which is what a reviewer must see.
    const tested = await runMeshgate(['policy', 'test'], env);
    expect(tested.code).toBe(1);
    expect(tested.stdout).toContain(`     Customer.birthDate: expected deny, got allow (grant-${second})`);
    expect(tested.stderr).toContain('error[POLICY_TEST_FAILED]: 1 of');
    // Someone widens it by hand: to every support agent, whatever the purpose.
    const file = join(grantsDir, `${second}.yaml`);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/when: .*\n/, `when: "'support' in principal.roles"\n`),
    );
    await vi.waitFor(
      async () => expect(await birthDate()).toEqual({ value: null, rule: 'default-deny:pii' }),
      { timeout: 5_000, interval: 100 },
    );
    expect(lines.find((l) => l.grant === `${second}.yaml`)).toMatchObject({
      code: 'GRANT_INVALID',
      reason: 'signature does not match its content (edited, or signed with another key)',
    });
    // A denial needs a reason, and is audited with it.
    const third = (await (
      await api('/admin/access-requests', sam, {
        product: 'customers',
        fields: ['Customer.phone'],
        purpose: 'support',
        duration: '1d',
      })
    ).json()) as AccessRequest;
    expect((await cli(['deny', third.id], carla)).stderr).toMatch(/required option '--reason <text>'/);
    expect(
      (
        await cli(
          ['deny', third.id, '--reason', 'support reads phones by rule support-contact already'],
          carla,
        )
      ).code,
    ).toBe(0);

    const audit = (await (await api('/admin/access-requests/audit', carla)).json()) as {
      audit: AuditEntry[];
    };
    const ours = audit.audit.filter((e) =>
      [id, second, third.id, `${id}.yaml`, `${second}.yaml`].includes(e.request),
    );
    console.log(
      ours
        .map((e) => `${e.time}  ${e.who.padEnd(6)} ${e.action.padEnd(7)} ${e.request}  ${e.what}  (${e.why})`)
        .join('\n'),
    );
    expect(ours.map((e) => `${e.who} ${e.action} ${e.request}`)).toEqual([
      `sam request ${id}`,
      `fin refuse ${id}`,
      `carla approve ${id}`,
      `carla grant ${id}`,
      `gateway expire ${id}.yaml`,
      `sam request ${second}`,
      `carla approve ${second}`,
      `carla grant ${second}`,
      `gateway ignore ${second}.yaml`,
      `sam request ${third.id}`,
      `carla deny ${third.id}`,
    ]);
    expect((await api('/admin/access-requests/audit', sam)).status).toBe(403);
  });
});
