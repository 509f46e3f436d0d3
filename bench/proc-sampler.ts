import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessUsage } from './types.js';

/**
 * Samples a process and its descendants from /proc (Linux) while a cell runs: resident memory
 * at every tick (its peak is reported) and CPU time between start and stop.
 */

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the kernel ABI allows (getconf CLK_TCK).
const PAGE_BYTES = 4096;

interface ProcStat {
  cpuTicks: number;
  rssBytes: number;
}

/** Fields of /proc/PID/stat after the parenthesised command name (which may hold spaces). */
function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After ')': state(3) ppid(4) ... utime(14) stime(15) ... rss(24), numbered as in proc(5).
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rss = Number(fields[21]);
    return { cpuTicks: utime + stime, rssBytes: rss * PAGE_BYTES };
  } catch {
    return null;
  }
}

/** The process and everything it forked (Hive Gateway may fork workers). */
function processTree(root: number): number[] {
  const pids = [root];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim();
      if (children) pids.push(...children.split(' ').map(Number));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

function sample(root: number): { cpuTicks: Map<number, number>; rssBytes: number } {
  const cpuTicks = new Map<number, number>();
  let rssBytes = 0;
  for (const pid of processTree(root)) {
    const stat = readStat(pid);
    if (!stat) continue;
    cpuTicks.set(pid, stat.cpuTicks);
    rssBytes += stat.rssBytes;
  }
  return { cpuTicks, rssBytes };
}

export interface UsageSampler {
  stop(): ProcessUsage;
}

export function sampleUsage(pid: number, intervalMs = 250): UsageSampler {
  const first = sample(pid);
  const started = performance.now();
  let peakRss = first.rssBytes;
  let latest = first;
  const timer = setInterval(() => {
    latest = sample(pid);
    peakRss = Math.max(peakRss, latest.rssBytes);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const last = sample(pid);
      if (last.cpuTicks.size) latest = last;
      peakRss = Math.max(peakRss, latest.rssBytes);
      let ticks = 0;
      for (const [child, now] of latest.cpuTicks) ticks += now - (first.cpuTicks.get(child) ?? 0);
      const seconds = (performance.now() - started) / 1000;
      return {
        peakRssMb: Math.round((peakRss / 1024 / 1024) * 10) / 10,
        cpuPercent: Math.round((ticks / CLOCK_TICKS_PER_SECOND / seconds) * 1000) / 10,
      };
    },
  };
}

/**
 * The PostgreSQL server's processes on this machine (postmasters: a `postgres` whose parent is
 * not one), so a cell can say how much CPU the database spent on it; none for a remote server.
 */
export function postgresRoots(): number[] {
  const comm = (pid: string) => {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return {
        name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
        ppid: text.slice(text.lastIndexOf(')') + 2).split(' ')[1] ?? '',
      };
    } catch {
      return null;
    }
  };
  const roots: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const self = comm(entry);
    if (self?.name !== 'postgres') continue;
    if (comm(self.ppid)?.name !== 'postgres') roots.push(Number(entry));
  }
  return roots;
}
