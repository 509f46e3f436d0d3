export { useDefer, acceptsMultipart } from './use-defer.js';
export { splitOperation, type DeferSplit, type DeferredPart } from './split-operation.js';
export { concretePaths, incrementalEntries, type IncrementalEntry } from './delivery.js';
