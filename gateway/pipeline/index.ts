/** The request pipeline: one stage interface, one runner, one request state. */
export type { Answer, ApolloSettings, Execute, Pipeline, ResolvedOperation, Stage } from './types.js';
export { Resources } from './resources.js';
export { RequestState, type DeferPart, type RequestOrigin } from './request-state.js';
export { stageRunner, type StageRunner } from './stage-runner.js';
