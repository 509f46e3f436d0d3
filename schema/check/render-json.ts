import type { CheckReport } from './types.js';

/** The report for machines: the CheckReport contract of types.ts, as JSON. */
export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
