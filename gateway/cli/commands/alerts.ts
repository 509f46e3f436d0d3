import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { localContractDescriptors } from '../../supergraph/contract-descriptors.js';
import { productSla } from '../../protocol/index.js';
import { prometheusRules } from '../../alerts/prometheus-rules.js';

/**
 * `meshgate alerts rules`: Prometheus alerting and recording rules for every data product's SLA
 * (burn-rate pairs, latency, quality, freshness) over the metrics the gateway exports, for a
 * deployment whose Prometheus should alert rather than the gateway.
 */
export function registerAlertsCommand(program: Command): void {
  const alerts = program.command('alerts').description('alerting on data product SLOs');
  alerts
    .command('rules')
    .description('print Prometheus rules for every product: burn-rate pairs, latency, quality, freshness')
    .option('--output <file>', 'write the rules to this file instead of stdout')
    .action((flags: { output?: string }) => {
      const text = prometheusRules(
        localContractDescriptors(loadConfig().contractsDir).map((d) => ({
          name: d.name,
          sla: productSla(d),
        })),
      );
      if (flags.output) writeFileSync(resolve(flags.output), text);
      else process.stdout.write(text);
    });
}
