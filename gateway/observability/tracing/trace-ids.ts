import { TraceFlags, trace } from '@opentelemetry/api';
import { tracingActive } from '../../common/tracing-active.js';

/**
 * The id of the sampled trace the caller runs in, for the records that should lead to it
 * (the request log line, the lineage event); undefined when tracing is off or the trace is
 * not sampled (no trace of that id is stored anywhere, so a link to it would lead nowhere).
 */
export function activeTraceId(): string | undefined {
  if (!tracingActive()) return undefined;
  const span = trace.getActiveSpan()?.spanContext();
  return span && span.traceFlags & TraceFlags.SAMPLED ? span.traceId : undefined;
}
