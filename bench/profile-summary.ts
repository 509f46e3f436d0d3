import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) by self time: the functions that burn the
 * CPU themselves, and the same grouped by npm package (or "meshgate" for this repository's
 * code, "node" for Node's internals, "(gc)" etc. for V8's pseudo-frames).
 *
 * `node --import tsx bench/profile-summary.ts FILE.cpuprofile... [N]` prints the top N of each.
 */

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTimeSummary {
  totalMs: number;
  top: { fn: string; location: string; selfMs: number; selfPercent: number }[];
  byPackage: { pkg: string; selfMs: number; selfPercent: number }[];
}

/** Pseudo-frames that are not work: the process waiting for I/O. */
const IDLE = new Set(['(idle)', '(program)']);

/**
 * `window` limits the summary to samples taken between two CLOCK_MONOTONIC instants in µs
 * (`process.hrtime.bigint() / 1000n` in any process of this machine, which is V8's profile
 * clock too), so start-up and module loading stay out of a profile of the load window.
 * Percentages are of the busy time: idle samples are left out.
 */
export function summariseProfile(
  path: string,
  limit = 25,
  window?: { fromUs: number; toUs: number },
): SelfTimeSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time from the previous sample to sample i; sample i's node spent it.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  const functions = new Map<string, { fn: string; location: string; us: number }>();
  const packages = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || IDLE.has(frame.functionName)) continue;
    totalUs += us;
    const fn = frame.functionName || '(anonymous)';
    const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${fn}@${location}`;
    const entry = functions.get(key) ?? { fn, location, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const pkg = packageOf(frame.url, fn);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const percent = (us: number) => Math.round((us / totalUs) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    totalMs: ms(totalUs),
    top: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, limit)
      .map((f) => ({ fn: f.fn, location: f.location, selfMs: ms(f.us), selfPercent: percent(f.us) })),
    byPackage: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([pkg, us]) => ({ pkg, selfMs: ms(us), selfPercent: percent(us) })),
  };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const repo = url.indexOf('/gateway/') >= 0 ? url.indexOf('/gateway/') : url.indexOf('/subgraphs/');
  return repo >= 0 ? url.slice(repo + 1) : url.replace(/^file:\/\//, '');
}

function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node';
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url.slice(url.lastIndexOf('/node_modules/')));
  if (match?.[1]) return match[1];
  return /\/(gateway|subgraphs|schema)\//.test(url) ? 'meshgate' : url.replace(/^file:\/\//, '');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // A glob can match several files (a process with a worker writes one profile per thread):
  // each is summarised; a trailing number is the limit.
  const args = process.argv.slice(2);
  const limit = args.length > 1 && /^\d+$/.test(args.at(-1)!) ? Number(args.pop()) : 25;
  if (args.length === 0) throw new Error('usage: profile-summary.ts FILE.cpuprofile... [N]');
  for (const file of args) {
    const summary = summariseProfile(file, limit);
    console.log(
      `${file}\nbusy time sampled: ${summary.totalMs} ms (whole profile, start-up included)\n\nself time by function:`,
    );
    for (const f of summary.top)
      console.log(
        `${String(f.selfPercent).padStart(6)}%  ${String(f.selfMs).padStart(9)} ms  ${f.fn}  ${f.location}`,
      );
    console.log('\nself time by package:');
    for (const p of summary.byPackage)
      console.log(`${String(p.selfPercent).padStart(6)}%  ${String(p.selfMs).padStart(9)} ms  ${p.pkg}`);
    console.log('');
  }
}
