import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import type { ContractProblem } from '../../gateway/protocol/index.js';

/**
 * Validates a data contract against the official ODCS v3.1.0 JSON Schema, vendored in
 * `odcs-spec/` (draft 2019-09, see its ORIGIN.md). Problems carry ajv's `instancePath`, a JSON
 * pointer into the contract.
 */
export const ODCS_SCHEMA_FILE = fileURLToPath(
  new URL('./odcs-spec/odcs-json-schema-v3.1.0.json', import.meta.url),
);

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;

let compiled: ValidateFunction | undefined;

/** The official schema, compiled once per process. */
export function odcsSchemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(ODCS_SCHEMA_FILE, 'utf8')) as object);
  }
  return compiled;
}

export function odcsProblems(contract: unknown): ContractProblem[] {
  const validate = odcsSchemaValidator();
  if (validate(contract)) return [];
  const seen = new Set<string>();
  return (validate.errors ?? []).flatMap((e) => {
    // "must match the then schema" only repeats the errors of the branch it names.
    if (e.keyword === 'if') return [];
    const problem = { pointer: e.instancePath, message: message(e) };
    const key = `${problem.pointer} ${problem.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [problem];
  });
}

function message(e: ErrorObject): string {
  if (e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties') {
    const params = e.params as { unevaluatedProperty?: string; additionalProperty?: string };
    return `has no property "${params.unevaluatedProperty ?? params.additionalProperty}" in ODCS v3.1.0`;
  }
  if (e.keyword === 'enum')
    return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return e.message ?? 'invalid';
}
