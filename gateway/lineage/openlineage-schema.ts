import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Validates exported events against the official OpenLineage JSON Schemas vendored in
 * `gateway/lineage/openlineage-spec/` (draft 2020-12; every file is registered under its
 * `$id` so the cross-file `$ref`s resolve offline). The core schema checks a RunEvent and
 * that each facet is a facet; each facet file's root schema then checks its named facet
 * (`schema`, `columnLineage`, `jobType`, `errorMessage`, …) wherever facets appear.
 */
export const OPENLINEAGE_SCHEMA_DIR = fileURLToPath(new URL('./openlineage-spec/', import.meta.url));

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface OpenLineageValidator {
  /** Problems with one event, as `path: message` lines; empty when it is valid. */
  (event: unknown): string[];
}

export function openLineageValidator(dir = OPENLINEAGE_SCHEMA_DIR): OpenLineageValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { $id: string };
  const core = read(join(dir, 'OpenLineage.json'));
  ajv.addSchema(core);
  const facetSchemas = readdirSync(join(dir, 'facets'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => read(join(dir, 'facets', f)));
  for (const schema of facetSchemas) ajv.addSchema(schema);
  const validateCore = ajv.getSchema(core.$id)!;
  const validateFacets = facetSchemas.map((s) => ajv.getSchema(s.$id)!);

  return (event) => {
    const problems = errorsOf(validateCore, event, '');
    for (const [path, facets] of facetObjects(event)) {
      for (const validate of validateFacets) problems.push(...errorsOf(validate, facets, path));
    }
    return problems;
  };
}

function errorsOf(validate: ValidateFunction, value: unknown, at: string): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${at}${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}

/** Every `facets`/`inputFacets`/`outputFacets` object in an event, with its JSON pointer. */
function facetObjects(value: unknown, path = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [];
  const found: [string, unknown][] = [];
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}/${key}`;
    if (
      (key === 'facets' || key === 'inputFacets' || key === 'outputFacets') &&
      typeof child === 'object' &&
      child !== null
    )
      found.push([childPath, child]);
    else found.push(...facetObjects(child, childPath));
  }
  return found;
}
