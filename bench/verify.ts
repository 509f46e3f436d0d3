import { isDeepStrictEqual } from 'node:util';
import { requestBodies } from './workloads.js';
import type { Workload } from './types.js';

/**
 * Before a cell is measured, its contender must answer the workload with 200, no GraphQL
 * errors, and the same `data` as every contender before it: a contender that errors or
 * returns other data is reported, never measured. A varied workload is checked on a sample:
 * its first SAMPLE requests of the seeded stream, each against the reference's answer.
 */
export type Verdict =
  | { ok: true; data: readonly unknown[]; bytes: number }
  | { ok: false; status: 'error' | 'mismatch'; note: string };

const SAMPLE = 25;

export async function verifyWorkload(
  url: string,
  workload: Workload,
  headers: Readonly<Record<string, string>>,
  reference: readonly unknown[] | undefined,
): Promise<Verdict> {
  const next = requestBodies(workload);
  const count = workload.kind === 'varied' ? SAMPLE : 1;
  const answers: unknown[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const body = next();
    const answer = await verifyOne(url, body, headers, reference?.[i]);
    if (!answer.ok) {
      const which = count > 1 ? `request ${i + 1} of the sample (${body.slice(0, 120)}): ` : '';
      return { ...answer, note: `${which}${answer.note}` };
    }
    answers.push(answer.data);
    bytes += answer.bytes;
  }
  return { ok: true, data: answers, bytes: Math.round(bytes / count) };
}

type One =
  { ok: true; data: unknown; bytes: number } | { ok: false; status: 'error' | 'mismatch'; note: string };

async function verifyOne(
  url: string,
  requestBody: string,
  headers: Readonly<Record<string, string>>,
  reference: unknown,
): Promise<One> {
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: requestBody,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return { ok: false, status: 'error', note: `request failed: ${(error as Error).message}` };
  }
  let body: { data?: unknown; errors?: { message?: string; extensions?: { code?: unknown } }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ok: false, status: 'error', note: `HTTP ${status}, not JSON: ${text.slice(0, 160)}` };
  }
  if (status !== 200 || body.errors?.length || body.data == null) {
    const first = body.errors?.[0];
    const code = typeof first?.extensions?.code === 'string' ? `[${first.extensions.code}] ` : '';
    return {
      ok: false,
      status: 'error',
      note: `HTTP ${status}, ${body.errors?.length ?? 0} error(s)${first ? `: ${code}${first.message ?? ''}` : ''}`.slice(
        0,
        300,
      ),
    };
  }
  if (reference !== undefined && !isDeepStrictEqual(body.data, reference)) {
    return {
      ok: false,
      status: 'mismatch',
      note: `data differs from the reference contender's: ${firstDifference(body.data, reference)}`,
    };
  }
  return { ok: true, data: body.data, bytes: Buffer.byteLength(text) };
}

/** The path of the first value that differs, for the report. */
function firstDifference(actual: unknown, expected: unknown, path = 'data'): string {
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return `${path}: ${JSON.stringify(actual)?.slice(0, 60)} instead of ${JSON.stringify(expected)?.slice(0, 60)}`;
  }
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  for (const key of keys) {
    const a = (actual as Record<string, unknown>)[key];
    const e = (expected as Record<string, unknown>)[key];
    if (!isDeepStrictEqual(a, e)) return firstDifference(a, e, `${path}.${key}`);
  }
  return path;
}
