export { contractProblems, contractText, readContractFile } from './contract-file.js';
export { sdlDisagreements } from './sdl-agreement.js';
export { sdlObjects, type SdlObject, type SdlProperty } from './sdl-objects.js';
export { ODCS_SCHEMA_FILE, odcsProblems, odcsSchemaValidator } from './validate-contract.js';
export {
  DEFAULT_SLA,
  draftContract,
  draftContractText,
  REVIEW_PROPERTY,
  reviewMarks,
} from './draft-contract.js';
