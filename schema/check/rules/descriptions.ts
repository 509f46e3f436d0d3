import { finding } from '../finding.js';
import { schemaElements } from '../schema-elements.js';
import type { StandardsRule } from './rule-context.js';

/** Rule `descriptions`: every type, field, input field and enum value of the API schema is described. */
export const descriptionsRule: StandardsRule = ({ config, proposed, place }) =>
  schemaElements(proposed.api)
    .filter((e) => e.kind !== 'argument' && !e.description?.trim())
    .flatMap((e) =>
      finding(
        config,
        'descriptions',
        `${e.kind.replace('-', ' ')} ${e.coordinate} has no description`,
        e.coordinate,
        place(e.coordinate, proposed),
      ),
    );
