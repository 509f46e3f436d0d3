/**
 * @apollo/gateway, unless told otherwise, sends usage metrics to Apollo's endpoint and, to
 * label them, asks the cloud metadata services of GCP, AWS and Azure who runs it. A gateway in
 * an organisation's network does not phone home, and where those addresses are not reachable
 * the lookups end in warnings on stderr (a supervisor reads its child's last stderr line as
 * its last error). Called before every `new ApolloGateway`; an explicit
 * APOLLO_TELEMETRY_DISABLED=false keeps Apollo's default.
 */
export function disableApolloTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
}
