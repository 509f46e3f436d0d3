import { REVIEW_PROPERTY } from '../../schema/contract/index.js';

/**
 * What a team does after `meshgate contract init`: confirms the guesses marked for review (the
 * marks go), sets the contract active, and adds what only it knows (servers, custom properties).
 */
export function reviewed(
  draft: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value))
      return value
        .filter(
          (v) => !(v && typeof v === 'object' && (v as { property?: unknown }).property === REVIEW_PROPERTY),
        )
        .map(strip);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value)
          .map(([k, v]) => [k, strip(v)] as const)
          .filter(([k, v]) => !(k === 'customProperties' && Array.isArray(v) && v.length === 0)),
      );
    return value;
  };
  return { ...(strip(draft) as Record<string, unknown>), status: 'active', ...extra };
}
