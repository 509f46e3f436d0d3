import type { CheckReport, Finding, Severity } from './types.js';

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', note: 'ℹ️' };
const MESH_WIDE = 'Mesh-wide';

/** The report as a pull-request comment: header, a summary table per rule, findings grouped by domain. */
export function renderMarkdown(report: CheckReport): string {
  const { summary, context } = report;
  const verdict = report.exitCode === 0 ? '✅ passed' : '❌ failed';
  const lines = [
    `## meshgate check — ${verdict}: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.notes, 'note')}`,
    '',
    `- **Proposed:** ${context.proposed}`,
    `- **Baseline:** \`${context.baseline}\``,
    `- **Usage:** ${context.usage}, window ${context.window}`,
    `- **Policies:** \`${context.policies}\``,
    '',
  ];
  if (report.findings.length === 0) return [...lines, 'No findings.', ''].join('\n');

  lines.push('| Rule | Errors | Warnings | Notes |', '|---|---:|---:|---:|');
  const rules = [...new Set(report.findings.map((f) => f.rule))].sort();
  for (const rule of rules) {
    const of = (severity: Severity) =>
      report.findings.filter((f) => f.rule === rule && f.severity === severity).length;
    lines.push(`| \`${rule}\` | ${of('error')} | ${of('warning')} | ${of('note')} |`);
  }
  lines.push(`| **total** | **${summary.errors}** | **${summary.warnings}** | **${summary.notes}** |`, '');

  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const domain = f.domains.join(', ') || MESH_WIDE;
    groups.set(domain, [...(groups.get(domain) ?? []), f]);
  }
  const domains = [...groups.keys()].sort(
    (a, b) => Number(a === MESH_WIDE) - Number(b === MESH_WIDE) || a.localeCompare(b),
  );
  for (const domain of domains) {
    const findings = groups.get(domain) ?? [];
    const subgraphs = [...new Set(findings.flatMap((f) => f.subgraphs))].sort();
    lines.push(`### ${domain}${subgraphs.length ? ` (${subgraphs.join(', ')})` : ''}`, '');
    for (const f of findings) lines.push(...renderFinding(f));
    lines.push('');
  }
  return lines.join('\n');
}

function renderFinding(f: Finding): string[] {
  const where = f.location ? ` — \`${f.location.file}:${f.location.line}\`` : '';
  const what = f.coordinate ? ` \`${f.coordinate}\`` : '';
  const lines = [
    `- ${ICON[f.severity]} **${f.severity}** \`${f.rule}\`${what}: ${escape(f.message)}${where}`,
  ];
  if (f.consumers && f.consumers.length > 0) {
    lines.push(
      '',
      '  | Consumer (principal) | Client | Operations | Last seen | Fields read |',
      '  |---|---|---:|---|---|',
    );
    for (const c of f.consumers)
      lines.push(
        `  | \`${c.principal}\` | ${c.client ? `\`${c.client}\`` : '—'} | ${c.count} | ${c.lastSeen} | ${c.coordinates.map((x) => `\`${x}\``).join(', ')} |`,
      );
    lines.push('');
  }
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Markdown-significant characters of free text (messages quote SDL and CEL). */
function escape(text: string): string {
  return text.replace(/([<>|*_])/g, '\\$1');
}
