/**
 * The ODCS data-quality vocabulary meshgate runs: the library metrics and the comparison
 * operators a contract's `quality` entries may use (contract-profile.ts checks them, the kit's
 * quality runner implements them).
 */

/** ODCS library metrics (DataQualityLibrary.metric). */
export const LIBRARY_METRICS = [
  'nullValues',
  'missingValues',
  'invalidValues',
  'duplicateValues',
  'rowCount',
] as const;

/** ODCS comparison operators (DataQualityOperators); a rule carries exactly one. */
export const QUALITY_OPERATORS = [
  'mustBe',
  'mustNotBe',
  'mustBeGreaterThan',
  'mustBeGreaterOrEqualTo',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
  'mustNotBeBetween',
] as const;
