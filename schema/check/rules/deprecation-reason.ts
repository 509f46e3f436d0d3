import { DEFAULT_DEPRECATION_REASON } from 'graphql';
import { finding } from '../finding.js';
import { schemaElements } from '../schema-elements.js';
import type { StandardsRule } from './rule-context.js';

/**
 * Rule `deprecation-reason`: `@deprecated` says why and what to use instead. graphql-js fills
 * in "No longer supported" when the reason is left out, so that text counts as none.
 */
export const deprecationReasonRule: StandardsRule = ({ config, proposed, place }) =>
  schemaElements(proposed.api)
    .filter(
      (e) =>
        e.deprecationReason != null &&
        (!e.deprecationReason.trim() || e.deprecationReason === DEFAULT_DEPRECATION_REASON),
    )
    .flatMap((e) =>
      finding(
        config,
        'deprecation-reason',
        `${e.coordinate} is deprecated without a reason: say why and what to use instead`,
        e.coordinate,
        place(e.coordinate, proposed),
      ),
    );
