import { z } from 'zod';

/**
 * The classifications of a field the platform acts on (default-deny, masking, the catalog):
 * the values of an ODCS property's `classification` beyond public, internal and restricted.
 */
export const Classification = z.enum(['pii', 'pci', 'confidential']);
export type Classification = z.infer<typeof Classification>;
