import type { Command } from 'commander';
import { ANONYMOUS } from '../../auth/anonymous.js';
import type { AuditEntry } from '../../access/types.js';
import { askGateway, namedGateway } from '../gateway-target.js';
import { localContractDescriptors } from '../../supergraph/contract-descriptors.js';
import { accessService, AccessError, openAccessStore, type AccessRequest } from '../../access/index.js';
import { createAuthenticate } from '../../auth/index.js';
import { ErrorCode, MeshgateGraphQLError, StartupError } from '../../common/errors.js';
import type { Principal } from '../../common/types.js';
import { loadConfig } from '../../config/config.js';
import { readSupergraphFile } from '../../supergraph/read-supergraph-file.js';
import { supergraphModel } from '../../supergraph/supergraph-model.js';

interface Signed {
  token?: string;
  url?: string;
}

/**
 * `meshgate access request|list|approve|deny|audit`: the access workflow as the signed-in
 * principal (`--token`, else MESHGATE_TOKEN), verified as /graphql verifies a bearer token.
 * It works on the store directly (Redis with REDIS_URL, else the state directory) and writes
 * grants to GRANTS_DIR, where the gateways pick them up without a restart.
 */
export function registerAccessCommand(program: Command): void {
  const access = program.command('access').description('request, review and audit access to data products');
  const signed = (command: Command) =>
    command
      .option('-t, --token <jwt>', 'who you are (default: MESHGATE_TOKEN)')
      .option(
        '--url <url>',
        "a running gateway's access requests, from any directory (default: MESHGATE_URL)",
      );

  signed(
    access
      .command('request')
      .description('ask for fields of a data product, for a purpose and a time')
      .requiredOption('--product <name>', 'the data product, e.g. customers')
      .requiredOption('--fields <coordinates>', 'comma-separated: Customer.email,Customer.phone')
      .requiredOption('--purpose <purpose>', 'why, one word: support')
      .requiredOption('--duration <duration>', 'for how long: 30d, 12h, 90m, 45s')
      .option('--group <role>', 'grant it to everyone with this role instead of you'),
  ).action(
    (
      options: Signed & {
        product: string;
        fields: string;
        purpose: string;
        duration: string;
        group?: string;
      },
    ) =>
      run(options, async (service, principal) => {
        const request = await service.request(principal, {
          product: options.product,
          fields: options.fields,
          purpose: options.purpose,
          duration: options.duration,
          ...(options.group !== undefined && { group: options.group }),
        });
        console.log(`requested ${request.id}: ${describe(request)}`);
        console.log(
          `pending review by the approvers in ${request.product}'s contract (meshgate access list)`,
        );
      }),
  );

  signed(
    access
      .command('list')
      .description('the requests you review (you approve their product) or made; pending ones unless --all')
      .option('--all', 'also approved and denied ones'),
  ).action((options: Signed & { all?: boolean }) =>
    run(options, async (service, principal) => {
      const requests = await service.list(principal, options.all === true);
      if (requests.length === 0) console.log('no access requests');
      for (const r of requests) console.log(`${r.id}  ${r.status.padEnd(8)} ${describe(r)}`);
    }),
  );

  signed(
    access
      .command('approve <id>')
      .description('approve a pending request: writes its grant')
      .option('--note <text>'),
  ).action((id: string, options: Signed & { note?: string }) =>
    run(options, async (service, principal) => {
      const { request, file } = await service.approve(principal, id, options.note);
      console.log(
        `approved ${request.id}: grant ${file ?? 'written by the gateway'} until ${request.expires}`,
      );
    }),
  );

  signed(
    access
      .command('deny <id>')
      .description('deny a pending request')
      .requiredOption('--reason <text>', 'why'),
  ).action((id: string, options: Signed & { reason: string }) =>
    run(options, async (service, principal) => {
      const request = await service.deny(principal, id, options.reason);
      console.log(`denied ${request.id}: ${request.reason}`);
    }),
  );

  signed(access.command('audit').description('the audit log: who, what, when, why')).action(
    (options: Signed) =>
      run(options, async (service, principal) => {
        for (const e of await service.auditLog(principal))
          console.log(
            `${e.time}  ${e.who.padEnd(18)} ${e.action.padEnd(8)} ${e.request}  ${e.what}  (${e.why})`,
          );
      }),
  );
}

/** The access requests a running gateway serves (--url or MESHGATE_URL), as the token's principal. */
function gatewayAccess(base: string, token: string) {
  const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> =>
    askGateway<T>({ base, token, path, method, body, code: ErrorCode.ACCESS_REQUEST_INVALID });
  return {
    request: (_principal: Principal, input: Record<string, unknown>) =>
      call<AccessRequest>('POST', '/admin/access-requests', input),
    list: async (_principal: Principal, all: boolean) =>
      (await call<{ requests: AccessRequest[] }>('GET', `/admin/access-requests${all ? '?all=true' : ''}`))
        .requests,
    approve: async (_principal: Principal, id: string, note?: string) => ({
      request: await call<AccessRequest>('POST', `/admin/access-requests/${encodeURIComponent(id)}/approve`, {
        ...(note !== undefined && { note }),
      }),
      file: undefined,
    }),
    deny: (_principal: Principal, id: string, reason: string) =>
      call<AccessRequest>('POST', `/admin/access-requests/${encodeURIComponent(id)}/deny`, { reason }),
    auditLog: async (_principal: Principal) =>
      (await call<{ audit: AuditEntry[] }>('GET', '/admin/access-requests/audit')).audit,
  };
}

/** What the commands use of the access service: the local store's, or a gateway's over HTTP. */
type AccessActions = Pick<ReturnType<typeof gatewayAccess>, 'list' | 'deny' | 'auditLog'> & {
  request(principal: Principal, input: Record<string, unknown>): Promise<AccessRequest>;
  approve(
    principal: Principal,
    id: string,
    note?: string,
  ): Promise<{ request: AccessRequest; file: string | undefined }>;
};

async function run(options: Signed, act: (service: AccessActions, principal: Principal) => Promise<void>) {
  const config = loadConfig();
  const token = options.token ?? process.env.MESHGATE_TOKEN;
  if (!token) throw new StartupError(ErrorCode.UNAUTHENTICATED, 'sign in: --token <jwt> or MESHGATE_TOKEN');
  // A running gateway (--url or MESHGATE_URL) decides as the token's principal: nothing is read here.
  const gateway = namedGateway({ url: options.url });
  if (gateway) return act(gatewayAccess(gateway, token), ANONYMOUS);
  let principal: Principal;
  try {
    principal = await createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir })(
      `Bearer ${token}`,
    );
  } catch (error) {
    if (error instanceof MeshgateGraphQLError) throw new StartupError(ErrorCode.TOKEN_INVALID, error.message);
    throw error;
  }
  const store = openAccessStore(config.access);
  const model =
    config.supergraph.source === 'file' ? supergraphModel(readSupergraphFile(config.supergraph.path)) : null;
  const descriptors = localContractDescriptors(config.contractsDir);
  const service = accessService({
    store,
    config: config.access,
    descriptors: () => descriptors,
    model: () => model,
  });
  try {
    await act(service, principal);
  } catch (error) {
    // One line with the code, like every refused command.
    if (error instanceof AccessError) throw new StartupError(error.code, error.message);
    throw error;
  } finally {
    await store.close();
  }
}

function describe(r: AccessRequest): string {
  const who = 'sub' in r.grantee ? r.grantee.sub : `group ${r.grantee.group}`;
  return `${r.product} ${r.fields.join(',')} for ${who}, purpose ${r.purpose}, ${r.durationSeconds}s, asked by ${r.requestedBy}${r.expires ? `, grant until ${r.expires}` : ''}${r.reason ? ` (${r.reason})` : ''}`;
}
