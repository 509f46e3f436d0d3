import { writeTemplates } from './pglite-templates.js';

/** `node --import tsx write-pglite-templates.ts PRODUCT...`: run by the global setup, one per core. */
await writeTemplates(process.argv.slice(2));
