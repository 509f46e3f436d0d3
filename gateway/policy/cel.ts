import { Environment } from '@marcbachmann/cel-js';

/**
 * The CEL view of the principal that rule conditions (`when`, condition.ts) and row filters
 * (`where`, row-filter.ts) read; `celPrincipal` (condition.ts) builds the matching value.
 * An attribute value is a string or a list of strings, hence `dyn`.
 */
const PRINCIPAL_SCHEMA = {
  sub: 'string',
  anonymous: 'bool',
  roles: 'list<string>',
  scopes: 'list<string>',
  attributes: 'map<string, dyn>',
} as const;

/**
 * A new CEL environment with the `principal` variable. New on each call because
 * `registerVariable` changes the environment it is called on: a row filter adds `row` to its
 * own, never to the one conditions are parsed in.
 */
export function principalEnvironment(): Environment {
  return new Environment().registerVariable({ name: 'principal', schema: PRINCIPAL_SCHEMA });
}
