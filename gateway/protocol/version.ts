/**
 * The version of the gateway ↔ data product protocol (README.md). The gateway writes it into
 * every context token as the `v` claim; a product refuses a token of a version it does not
 * know, and reads a token without `v` as version 1 (the tokens signed before it was added).
 * Raise it only for a change a product of the previous version would misread.
 */
export const PROTOCOL_VERSION = 1;
