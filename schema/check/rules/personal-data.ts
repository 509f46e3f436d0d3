import { classifiedFields } from '../classifications.js';
import { finding } from '../finding.js';
import { schemaElements } from '../schema-elements.js';
import type { StandardsRule } from './rule-context.js';

/**
 * Rule `personal-data-classified`: a field whose name looks personal (the `personalData`
 * patterns of governance.yaml: name, e-mail, phone, address, birth, card) carries a
 * classification, in its SDL (`@tag(name: "pii")`) or its product's descriptor — or is listed
 * in `personalData.ignore`.
 */
export const personalDataRule: StandardsRule = ({ config, proposed, inputs, place }) => {
  const classified = classifiedFields(proposed, inputs, config);
  const { patterns, ignore, classifications } = config.personalData;
  return schemaElements(proposed.api)
    .filter((e) => e.kind === 'field' && !classified.has(e.coordinate) && !ignore.includes(e.coordinate))
    .flatMap((e) => {
      const pattern = patterns.find(
        (p) => p.field.test(e.name) && (p.types === undefined || p.types.test(e.parent)),
      );
      if (!pattern) return [];
      const message = `${e.coordinate} looks like personal data (${pattern.label}) but is not classified: add @tag(name: "${classifications[0] ?? 'pii'}") (one of ${classifications.join(', ')}) or list it in personalData.ignore`;
      return finding(
        config,
        'personal-data-classified',
        message,
        e.coordinate,
        place(e.coordinate, proposed),
      );
    });
};
