import type { CheckReport, Severity } from './types.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), one per finding,
 * escaped as the runner expects (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
 */
export function renderAnnotations(report: CheckReport): string {
  const lines = report.findings.map((f) => {
    const properties = [
      ...(f.location ? [`file=${property(f.location.file)}`, `line=${f.location.line}`] : []),
      `title=${property(`meshgate check: ${f.rule}${f.coordinate ? ` ${f.coordinate}` : ''}`)}`,
    ];
    return `::${COMMAND[f.severity]} ${properties.join(',')}::${data(f.message)}`;
  });
  return [
    ...lines,
    `meshgate check: ${report.summary.errors} error(s), ${report.summary.warnings} warning(s), ${report.summary.notes} note(s)`,
    '',
  ].join('\n');
}

function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
