export { useConsole, type ConsoleOptions } from './use-console.js';
export { consoleBundle, type ConsoleBundle } from './build.js';
export { CONTENT_SECURITY_POLICY } from './security-headers.js';
export { CONSOLE_PERSONAS } from './personas.js';
export { policyMatrix, type PolicyMatrix } from './policy-matrix.js';
export { principalLabel } from '../../policy/decision-matrix.js';
export type * from './types.js';
export { CSRF_HEADER, SESSION_COOKIE } from './types.js';
