import type { Principal } from '../../common/types.js';
import { ANONYMOUS } from '../../auth/anonymous.js';

/**
 * The reference mesh's personas (ARCHITECTURE.md), as the policy matrix's default columns:
 * principals built here, not tokens, since explaining a policy needs no signature.
 */
const persona = (sub: string, roles: string[], attributes: Record<string, string> = {}): Principal =>
  Object.freeze({ sub, anonymous: false, roles, scopes: [], teams: [], attributes });

export const CONSOLE_PERSONAS: Readonly<Record<string, Principal>> = Object.freeze({
  anonymous: ANONYMOUS,
  analyst: persona('ana', ['analyst']),
  support: persona('sam', ['support'], { purpose: 'support' }),
  finance: persona('fin', ['finance']),
  'data-steward': persona('stew', ['data-steward']),
});
