import { finding } from '../finding.js';
import { domainOf, type SubgraphInput } from '../subgraph-sources.js';
import type { Finding } from '../types.js';
import type { RuleContext } from './rule-context.js';

/**
 * Rule `descriptor` (runs even when composition fails): every subgraph has a data product descriptor (`product.yaml`, the schema
 * of subgraphs/kit/descriptor.ts) naming its owner and its domain — who to ask about a
 * change, whose report section it lands in.
 */
export function descriptorRule(context: Pick<RuleContext, 'config' | 'inputs'>): Finding[] {
  return context.inputs.flatMap((input) => check(context, input));
}

function check({ config }: Pick<RuleContext, 'config'>, input: SubgraphInput): Finding[] {
  const { descriptor } = input;
  const domain = domainOf(input);
  const placement = {
    subgraphs: [input.name],
    domains: domain ? [domain] : [],
    location: { file: descriptor.exists ? descriptor.file : input.schemaFile, line: 1 },
  };
  const report = (message: string) =>
    finding(config, 'descriptor', `subgraph ${input.name}: ${message}`, null, placement);
  if (!descriptor.exists)
    return report(`no data product descriptor (${descriptor.file}): add one with an owner and a domain`);
  const findings: Finding[] = [];
  const owner = descriptor.problems.filter((p) => p.path === 'owner' || p.path.startsWith('owner.'));
  const missingDomain = descriptor.problems.some((p) => p.path === 'domain');
  const rest = descriptor.problems.filter((p) => !owner.includes(p) && p.path !== 'domain');
  if (owner.length)
    findings.push(
      ...report(
        `${descriptor.file} has no valid owner (${owner.map((p) => `${p.path}: ${p.message}`).join('; ')}): name the owning team and its e-mail`,
      ),
    );
  if (missingDomain) findings.push(...report(`${descriptor.file} has no domain`));
  if (rest.length)
    findings.push(
      ...report(`${descriptor.file} is invalid: ${rest.map((p) => `${p.path}: ${p.message}`).join('; ')}`),
    );
  if (descriptor.valid && descriptor.valid.name !== input.name)
    findings.push(
      ...report(`${descriptor.file} names the product "${descriptor.valid.name}", not "${input.name}"`),
    );
  return findings;
}
