import { REVIEW_PROPERTY, reviewMarks } from '../../contract/draft-contract.js';
import { finding } from '../finding.js';
import { domainOf, type ContractInputProblem, type SubgraphInput } from '../subgraph-sources.js';
import type { Finding } from '../types.js';
import type { RuleContext } from './rule-context.js';

/**
 * Rule `descriptor` (runs even when composition fails): every subgraph has a data contract
 * (`contract.odcs.yaml`, ODCS v3.1) that validates against the official schema, names its
 * owner and its domain — who to ask about a change, whose report section it lands in — and
 * whose `schema` agrees with the SDL. Every message names the file and the JSON pointer.
 */
export function descriptorRule(context: Pick<RuleContext, 'config' | 'inputs'>): Finding[] {
  return context.inputs.flatMap((input) => check(context, input));
}

function check({ config }: Pick<RuleContext, 'config'>, input: SubgraphInput): Finding[] {
  const { descriptor } = input;
  const domain = domainOf(input);
  const report = (message: string, line = 1) =>
    finding(config, 'descriptor', `subgraph ${input.name}: ${message}`, null, {
      subgraphs: [input.name],
      domains: domain ? [domain] : [],
      location: { file: descriptor.exists ? descriptor.file : input.schemaFile, line },
    });
  if (!descriptor.exists)
    return report(
      `no data contract (${descriptor.file}): add one with an owner and a domain (meshgate product new writes one)`,
    );
  const listed = (problems: readonly ContractInputProblem[]) =>
    problems.map((p) => `${p.pointer || '(root)'}: ${p.message}`).join('; ');
  const findings: Finding[] = [];
  const group = (problems: ContractInputProblem[], message: (list: string) => string) => {
    if (problems.length) findings.push(...report(message(listed(problems)), problems[0]!.line));
  };
  const owner = descriptor.problems.filter(
    (p) => p.kind !== 'sdl' && (p.pointer.startsWith('/team') || p.pointer.startsWith('/support')),
  );
  const noDomain = descriptor.problems.filter((p) => p.kind !== 'sdl' && p.pointer === '/domain');
  const rest = descriptor.problems.filter(
    (p) => p.kind !== 'sdl' && !owner.includes(p) && !noDomain.includes(p),
  );
  const sdl = descriptor.problems.filter((p) => p.kind === 'sdl');
  group(
    owner,
    (list) => `${descriptor.file} has no valid owner (${list}): name the owning team and its e-mail`,
  );
  group(noDomain, (list) => `${descriptor.file} has no domain (${list})`);
  group(rest, (list) => `${descriptor.file} is not a valid data contract: ${list}`);
  group(sdl, (list) => `${descriptor.file} disagrees with ${input.schemaFile}: ${list}`);
  // A draft's guesses (`meshgate contract init`) warn until a person confirmed and removed them.
  for (const mark of reviewMarks(descriptor.raw))
    findings.push(
      ...finding(
        config,
        'descriptor',
        `subgraph ${input.name}: ${descriptor.file} ${mark.pointer}: to review (${REVIEW_PROPERTY}): ${mark.note}`,
        null,
        {
          subgraphs: [input.name],
          domains: domain ? [domain] : [],
          location: { file: descriptor.file, line: 1 },
        },
        { severity: 'warning' },
      ),
    );
  if (descriptor.valid && descriptor.valid.name !== input.name)
    findings.push(
      ...report(`${descriptor.file} names the product "${descriptor.valid.name}", not "${input.name}"`),
    );
  return findings;
}
