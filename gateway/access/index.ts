export { accessConfig, accessEnv, type AccessConfig } from './access-config.js';
export { accessService, AccessError, parseDuration, type AccessService } from './access-service.js';
export { openAccessStore, fileStore, redisStore, ACCESS_KEYS, GRANTS_CHANNEL } from './access-store.js';
export { grantSource, type GrantSource } from './grant-source.js';
export { grantSigner } from './grant-signature.js';
export { registerAccessRoutes } from './access-routes.js';
export type { AccessRequest, AccessStore, AuditEntry, Grantee } from './types.js';
export { useAccess, type AccessStage, type UseAccessOptions } from './use-access.js';
