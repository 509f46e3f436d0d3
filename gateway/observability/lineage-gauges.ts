import { statSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';
import type { LineageRecorder } from '../lineage/index.js';

export interface LineageGaugeOptions {
  recorder: LineageRecorder;
  /** The spool file (LineageConfig.spoolPath) when the store is durable (Redis); null otherwise. */
  spoolPath: string | null;
}

/**
 * Lineage health, read from the recorder when Prometheus scrapes (`collect()`), so the request
 * path does nothing extra: queue depth, events not yet confirmed in the store (the write lag,
 * in events), the spool file's size, whether the store is failing, and the recorder's counters.
 */
export function lineageGauges(registry: Registry, { recorder, spoolPath }: LineageGaugeOptions): void {
  new Gauge({
    name: 'meshgate_lineage_queue_depth',
    help: 'Lineage events queued in memory, not yet written to the spool or the store',
    registers: [registry],
    collect() {
      this.set(recorder.stats.queued);
    },
  });
  new Gauge({
    name: 'meshgate_lineage_pending_events',
    help: 'Lineage events recorded but not yet confirmed in the store (write lag, in events)',
    registers: [registry],
    collect() {
      const { recorded, stored, duplicates } = recorder.stats;
      this.set(Math.max(0, recorded - stored - duplicates));
    },
  });
  new Gauge({
    name: 'meshgate_lineage_spool_bytes',
    help: 'Size of the lineage spool file (events waiting while the store is down, or in flight)',
    registers: [registry],
    collect() {
      this.set(spoolPath ? fileSize(spoolPath) : 0);
    },
  });
  new Gauge({
    name: 'meshgate_lineage_degraded',
    help: '1 while the lineage store is failing and events wait in the spool',
    registers: [registry],
    collect() {
      this.set(recorder.stats.degraded ? 1 : 0);
    },
  });
  new Gauge({
    name: 'meshgate_lineage_events',
    help: 'Lineage recorder counters since start: recorded, stored, duplicates, spooled, corrupt',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = recorder.stats;
      for (const state of ['recorded', 'stored', 'duplicates', 'spooled', 'corrupt'] as const)
        this.set({ state }, stats[state]);
    },
  });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // no spool file yet
  }
}
