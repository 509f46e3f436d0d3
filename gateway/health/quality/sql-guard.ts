import { ErrorCode, StartupError } from '../../common/errors.js';

/**
 * The first of three defences around a contract's custom `sql` rule: the query must be one
 * SELECT (or WITH … SELECT) — no second statement, no data-modifying keyword, no server
 * administration function. The runner then wraps it as a subquery (a second statement or a
 * data-modifying CTE cannot parse there) and runs it in a READ ONLY transaction with a
 * statement timeout, so even a query that slipped past this check cannot change data.
 *
 * Returns the query without a trailing semicolon.
 */
const WRITE_KEYWORDS =
  /\b(insert|update|delete|merge|truncate|drop|alter|create|grant|revoke|copy|call|do|set|reset|lock|vacuum|analyze|refresh|listen|notify|prepare|execute|comment|security)\b/i;
const ADMIN_FUNCTIONS = /\b(pg_[a-z0-9_]*|lo_[a-z0-9_]*|dblink[a-z0-9_]*|set_config|current_setting)\s*\(/i;

export function assertSingleSelect(query: string, where: string): string {
  const code = codeOf(query, where);
  const trimmed = code.replace(/[\s;]+$/, '');
  const refuse = (why: string): never => {
    throw new StartupError(ErrorCode.QUALITY_RULE_INVALID, `${where}: the custom sql query ${why}`);
  };
  if (trimmed.includes(';')) refuse('holds more than one statement');
  if (!/^\s*(select|with)\b/i.test(trimmed)) refuse('must be one SELECT');
  const write = WRITE_KEYWORDS.exec(trimmed);
  if (write) refuse(`must only read: "${write[1]}" is not allowed`);
  const admin = ADMIN_FUNCTIONS.exec(trimmed);
  if (admin) refuse(`must not call ${admin[1]}()`);
  return query.trim().replace(/[\s;]+$/, '');
}

/**
 * The query with string literals, quoted identifiers and comments blanked out, so the checks
 * above see only SQL code (a `;` inside `'a;b'` is data). Unterminated quoting is refused.
 */
function codeOf(query: string, where: string): string {
  let out = '';
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const dollar = /^\$([A-Za-z_]\w*)?\$/.exec(rest);
    let end: number;
    if (rest.startsWith('--')) end = lineEnd(query, i);
    else if (rest.startsWith('/*')) end = closing(query, i + 2, '*/', where);
    else if (query[i] === "'") end = closing(query, i + 1, "'", where);
    else if (query[i] === '"') end = closing(query, i + 1, '"', where);
    else if (dollar) end = closing(query, i + dollar[0].length, dollar[0], where);
    else {
      out += query[i];
      i++;
      continue;
    }
    out += ' ';
    i = end;
  }
  return out;
}

function lineEnd(text: string, from: number): number {
  const n = text.indexOf('\n', from);
  return n < 0 ? text.length : n;
}

function closing(text: string, from: number, token: string, where: string): number {
  const n = text.indexOf(token, from);
  if (n < 0)
    throw new StartupError(
      ErrorCode.QUALITY_RULE_INVALID,
      `${where}: the custom sql query has an unterminated ${token}`,
    );
  return n + token.length;
}
