import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../gateway/config/config.js';
import { dataProducts } from '../subgraphs/index.js';

/**
 * docker-compose.yml without a Docker engine: valid against the Compose Specification's JSON
 * Schema, and consistent with the code in ways the schema can't know.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Vendored with its LICENSE: the test reads nothing outside the repository. */
const COMPOSE_SPEC = resolve(ROOT, 'test/fixtures/compose-spec/compose-spec.json');

/** Secrets the file must require (no defaults), with values config.ts accepts. */
const SECRETS = {
  POSTGRES_PASSWORD: 'postgres-test-password',
  CONTEXT_TOKEN_SECRET: 'c'.repeat(32),
  JWT_SECRET: 'j'.repeat(32),
  POLICY_HASH_KEY: 'h'.repeat(16),
};

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
}
interface ComposeFile {
  services: Record<string, Service>;
}

/**
 * Compose's interpolation of one value: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}` and `$$` (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/).
 */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name, op, arg) => {
    if (whole === '$$') return '$';
    const value = env[name as string];
    const unset = op?.startsWith(':') ? !value : value === undefined;
    if (!unset) return value!;
    if (op?.endsWith('?')) throw new Error(`required variable ${name} is missing: ${arg}`);
    return op ? (arg as string) : '';
  });
}

function deepInterpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => deepInterpolate(v, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepInterpolate(v, env)]));
  }
  return value;
}

/** docker-compose.yml as compose reads it: YAML merge keys resolved, variables interpolated. */
function loadCompose(env: Record<string, string> = SECRETS): ComposeFile {
  // Compose resolves YAML 1.1 merge keys (`<<: *anchor`); the yaml package does when asked.
  const raw: unknown = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  return deepInterpolate(raw, env) as ComposeFile;
}

function composeValidator() {
  const schema = JSON.parse(readFileSync(COMPOSE_SPEC, 'utf8')) as { $schema: string };
  // The spec is draft-07 but names its meta-schema with https://, which ajv registers under
  // http://: register the same draft-07 meta-schema under the spelling the spec uses.
  const require = createRequire(import.meta.url);
  const draft07 = require('ajv/dist/refs/json-schema-draft-07.json') as Record<string, unknown>;
  // strictTypes off: the spec (copied unchanged) uses union types and untyped keywords that
  // ajv's strict mode flags as authoring style; every other strict check stays on.
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
  return ajv.compile(schema);
}

const ours = (compose: ComposeFile) =>
  Object.entries(compose.services).filter(
    ([, s]) => s.command?.[0] === 'gateway' || s.command?.[0] === 'subgraph',
  );

describe('docker-compose.yml', () => {
  const compose = loadCompose();

  it('is valid against the Compose Specification JSON Schema', () => {
    expect(existsSync(COMPOSE_SPEC), `${COMPOSE_SPEC} is missing`).toBe(true);
    const validate = composeValidator();
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('is checked for real: the schema rejects a misspelt key and a bad depends_on condition', () => {
    const validate = composeValidator();
    const broken = structuredClone(compose);
    (broken.services.gateway as Record<string, unknown>).healthckeck = {};
    broken.services.customers!.depends_on = { postgres: { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/services/gateway', '/services/customers/depends_on/postgres/condition']),
    );
  });

  it('defines Redis, PostgreSQL, one service per data product and the gateway', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['gateway', 'postgres', 'redis', ...dataProducts.map((p) => p.name)].sort(),
    );
    for (const product of dataProducts) {
      expect(compose.services[product.name]?.command, product.name).toEqual(['subgraph', product.name]);
    }
    expect(compose.services.gateway?.command).toEqual(['gateway']);
  });

  it('runs the gateway with 2 replicas', () => {
    expect(compose.services.gateway?.deploy?.replicas).toBe(2);
  });

  it('routes the gateway to a service, on the port it listens on, for every subgraph of the supergraph', () => {
    const env = compose.services.gateway!.environment!;
    const supergraph = readFileSync(join(ROOT, env.SUPERGRAPH_PATH!), 'utf8');
    const graphs = [...supergraph.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((m) => m[1]);
    const routes = loadConfig({ SUBGRAPH_URLS: env.SUBGRAPH_URLS }).subgraphUrls;
    expect(Object.keys(routes).sort()).toEqual([...graphs].sort());
    expect(graphs.length).toBe(dataProducts.length);
    for (const [name, url] of Object.entries(routes)) {
      const { hostname, port, pathname } = new URL(url);
      expect(hostname, name).toBe(name);
      expect(pathname).toBe('/graphql');
      expect(compose.services[hostname]?.environment?.PORT, `${name}'s PORT`).toBe(port);
    }
  });

  it('has a health check on every service; ours ask /ready on their own PORT', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.disable, name).not.toBe(true);
      expect(service.healthcheck?.test?.length, name).toBeGreaterThan(1);
    }
    expect(compose.services.postgres?.healthcheck?.test).toContain('pg_isready');
    expect(compose.services.redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    for (const [name, service] of ours(compose)) {
      expect(service.healthcheck?.test?.join(' '), name).toMatch(/process\.env\.PORT \+ '\/ready'/);
    }
  });

  it('starts each service only after what it depends on is healthy', () => {
    const gatewayNeeds = ['redis', ...dataProducts.map((p) => p.name)];
    expect(Object.keys(compose.services.gateway?.depends_on ?? {}).sort()).toEqual(gatewayNeeds.sort());
    for (const product of dataProducts) {
      expect(Object.keys(compose.services[product.name]?.depends_on ?? {})).toEqual(['postgres']);
    }
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
        expect(compose.services[dependency]?.healthcheck, dependency).toBeDefined();
      }
    }
  });

  it('configures our services only with variables gateway/config/config.ts accepts, and valid values', () => {
    for (const [name, service] of ours(compose)) {
      const env = service.environment ?? {};
      expect(
        Object.keys(env).filter((v) => !CONFIG_VARIABLES.includes(v)),
        name,
      ).toEqual([]);
      const config = loadConfig(env);
      expect(config.environment, name).toBe('production');
      expect(config.host, name).toBe('0.0.0.0');
    }
    const subgraphDb = loadConfig(compose.services.orders!.environment).databaseUrl;
    expect(subgraphDb).toBe(`postgres://meshgate:${SECRETS.POSTGRES_PASSWORD}@postgres:5432/meshgate`);
    expect(compose.services.gateway?.environment?.REDIS_URL).toBe('redis://redis:6379');
  });

  it('requires every secret instead of defaulting it', () => {
    for (const secret of Object.keys(SECRETS)) {
      const without: Record<string, string> = { ...SECRETS };
      delete without[secret];
      expect(() => loadCompose(without), secret).toThrow(`required variable ${secret} is missing`);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };

  it('builds on node:20 slim, installs production dependencies only and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^FROM node:20[\w.-]*-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/ready/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "gateway\/cli\/bin\/meshgate\.js"\]$/m);
  });

  it('compiles the sources at build time and runs them with no TypeScript loader', () => {
    expect(dockerfile).toMatch(/^RUN node gateway\/cli\/bin\/build\.mjs$/m);
    expect(packageJson.dependencies).not.toHaveProperty('tsx');
  });

  it('has every package the product code imports in dependencies (esbuild included), not devDependencies', () => {
    const imported = new Set<string>(['esbuild']);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? walk(join(dir, e.name))
          : // templates.ts holds the scaffold's generated files as text, test imports included.
            e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'templates.ts'
            ? [join(dir, e.name)]
            : [],
      );
    for (const file of ['gateway', 'subgraphs', 'schema'].flatMap((d) => walk(join(ROOT, d)))) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(
        /^import (?!type\b)[^'"]*['"]([^'".][^'"]*)['"]/gm,
      )) {
        const name = specifier!.startsWith('@')
          ? specifier!.split('/').slice(0, 2).join('/')
          : specifier!.split('/')[0]!;
        if (!name.startsWith('node:') && !builtinModules.includes(name)) imported.add(name);
      }
    }
    expect([...imported].filter((name) => !(name in packageJson.dependencies))).toEqual([]);
  });

  it('copies every directory the services read, and .dockerignore keeps tests and local state out', () => {
    for (const dir of ['gateway', 'subgraphs', 'schema', 'policies']) {
      expect(dockerfile).toMatch(new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'));
    }
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', '.meshgate', '.git', 'test', '**/*.test.ts']),
    );
  });
});
