/**
 * What raised an incident: a page burn alert (availability, latency), the scheduled probe
 * finding the product down (`availability`, condition `probe`), a blocking quality rule, or
 * stale data.
 */
export type IncidentKind = 'slo' | 'availability' | 'quality' | 'freshness';
export type IncidentState = 'open' | 'acknowledged' | 'resolved';

/** One condition an incident is about; at most one incident is open per condition, across replicas. */
export interface IncidentCondition {
  readonly product: string;
  readonly kind: IncidentKind;
  /** The SLO (`availability`, `latency`), the quality rule id, or the freshness element. */
  readonly condition: string;
}

export interface Incident extends IncidentCondition {
  readonly id: string;
  readonly state: IncidentState;
  /** The first bad observation (e.g. the first failing quality result, the moment data went stale). */
  readonly startedAt: string;
  readonly detectedAt: string;
  readonly notifiedAt: string | null;
  readonly resolvedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: string | null;
  /** The numbers that fired: burn rates per window, error counts, the quality result. */
  readonly evidence: Readonly<Record<string, unknown>>;
  /** Principals that read the product in the last 7 days, from lineage. */
  readonly consumers: readonly string[];
  readonly timeToDetectMs: number;
  readonly timeToNotifyMs: number | null;
  readonly timeToRepairMs: number | null;
}

export interface IncidentStore {
  readonly kind: 'redis' | 'memory';
  /**
   * Opens `incident` unless one is open for its condition already: `created` says which one
   * came back. Atomic across replicas sharing the store.
   */
  open(incident: Incident): Promise<{ incident: Incident; created: boolean }>;
  /** The open (or acknowledged) incident of a condition, if any. */
  openFor(condition: IncidentCondition): Promise<Incident | null>;
  /** Resolves the condition's open incident; null when none was open (another replica resolved it). */
  resolve(condition: IncidentCondition, at: Date): Promise<Incident | null>;
  update(id: string, change: (incident: Incident) => Incident): Promise<Incident | null>;
  get(id: string): Promise<Incident | null>;
  /** Newest first. */
  list(options?: { open?: boolean }): Promise<Incident[]>;
  close(): Promise<void>;
}

export const conditionKey = (c: IncidentCondition) => `${c.product}:${c.kind}:${c.condition}`;

/** The resolved form of an open incident: its repair time counted from its first bad observation. */
export function resolved(incident: Incident, at: Date): Incident {
  return {
    ...incident,
    state: 'resolved',
    resolvedAt: at.toISOString(),
    timeToRepairMs: at.getTime() - Date.parse(incident.startedAt),
  };
}
