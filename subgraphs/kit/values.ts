import { BadUserInputError } from '../../gateway/common/errors.js';

/** The shared `Money` value type: amounts are kept in cents and served in the major unit. */
export interface Money {
  amount: number;
  currency: string;
}

export function money(cents: number, currency: string): Money {
  return { amount: cents / 100, currency };
}

/** Major unit to cents, for filters such as `minPrice`. */
export function toCents(amount: number | null | undefined): number | null {
  return amount === null || amount === undefined ? null : Math.round(amount * 100);
}

/** An ISO 8601 timestamp from what the driver returns (a Date from both pg and PGlite). */
export function isoTimestamp(value: Date | string): string;
export function isoTimestamp(value: Date | string | null): string | null;
export function isoTimestamp(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Validates an integer `ID` argument before it reaches SQL. */
export function intId(value: string, argument: string): string {
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2_147_483_647) {
    throw new BadUserInputError(
      `"${argument}" must be a positive integer id, got ${JSON.stringify(value)}`,
      argument,
    );
  }
  return value;
}

/** Validates an ISO 8601 timestamp filter value. */
export function timestampArg(value: string | null | undefined, argument: string): string | null {
  if (value === null || value === undefined) return null;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new BadUserInputError(
      `"${argument}" must be an ISO 8601 date or timestamp, got ${JSON.stringify(value)}`,
      argument,
    );
  }
  return value;
}

/** Validates an ISO 3166-1 alpha-2 country code. */
export function countryArg(value: string | null | undefined, argument: string): string | null {
  if (value === null || value === undefined) return null;
  if (!/^[A-Z]{2}$/.test(value)) {
    throw new BadUserInputError(
      `"${argument}" must be an ISO 3166-1 alpha-2 country code such as "DE", got ${JSON.stringify(value)}`,
      argument,
    );
  }
  return value;
}
