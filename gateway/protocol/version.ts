/**
 * The version of the gateway ↔ data product protocol (README.md). The gateway writes it into
 * every context token as the `v` claim; a product refuses a token of a version it does not
 * know, and reads a token without `v` as the current version (its claims are the same).
 * Raise it only for a change a product of the previous version would misread. Version 2: the
 * token is signed ES256 with a `kid` and verified with the gateway's published keys (version 1
 * was HS256 with a shared secret); the claims are unchanged.
 */
export const PROTOCOL_VERSION = 2;
