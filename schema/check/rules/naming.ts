import { finding } from '../finding.js';
import { schemaElements, type SchemaElement } from '../schema-elements.js';
import type { StandardsRule } from './rule-context.js';

const CONVENTIONS: Record<SchemaElement['kind'], { pattern: RegExp; name: string }> = {
  type: { pattern: /^[A-Z][A-Za-z0-9]*$/, name: 'PascalCase' },
  field: { pattern: /^[a-z][A-Za-z0-9]*$/, name: 'camelCase' },
  'input-field': { pattern: /^[a-z][A-Za-z0-9]*$/, name: 'camelCase' },
  argument: { pattern: /^[a-z][A-Za-z0-9]*$/, name: 'camelCase' },
  'enum-value': { pattern: /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, name: 'UPPER_CASE' },
};

/** Rule `naming`: PascalCase types, camelCase fields and arguments, UPPER_CASE enum values. */
export const namingRule: StandardsRule = ({ config, proposed, place }) =>
  schemaElements(proposed.api)
    .filter((e) => !CONVENTIONS[e.kind].pattern.test(e.name))
    .flatMap((e) =>
      finding(
        config,
        'naming',
        `${e.kind.replace('-', ' ')} ${e.coordinate}: "${e.name}" is not ${CONVENTIONS[e.kind].name}`,
        e.coordinate,
        place(e.coordinate, proposed),
      ),
    );
