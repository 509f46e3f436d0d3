/**
 * The console's HTML: a shell per bundle and the sign-in form. No inline script or style
 * (the CSP forbids both): behaviour and looks come from /console/assets/.
 */
export type ConsoleEntry = 'console' | 'graphiql';

const TITLES: Record<ConsoleEntry, string> = { console: 'meshgate console', graphiql: 'meshgate GraphiQL' };

/** Every page's head: its title and stylesheet (`extra`: the bundle's script). */
function head(title: string, stylesheet: ConsoleEntry, extra = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<link rel="stylesheet" href="/console/assets/${stylesheet}.css">
${extra}</head>`;
}

export function shellPage(entry: ConsoleEntry): string {
  return `${head(TITLES[entry], entry, `<script type="module" src="/console/assets/${entry}.js"></script>\n`)}
<body><div id="root"></div></body>
</html>
`;
}

export interface LoginPageOptions {
  /** The value the form posts back; the same value is in the sign-in CSRF cookie. */
  readonly csrf: string;
  /** Where to go after signing in: one of the console's own pages, never a URL. */
  readonly next: string;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  /** Single sign-on is configured too: a link to it above the form (development only shows the form). */
  readonly sso?: boolean;
}

/** The sign-in form: a JWT posted in the body (never in a URL), as /graphql accepts it. */
export function loginPage({ csrf, next, error, sso = false }: LoginPageOptions): string {
  return `${head('Sign in · meshgate console', 'console')}
<body class="login">
<main class="login-box">
<h1>meshgate console</h1>
<p>Sign in with a bearer token, the same JWT <code>/graphql</code> accepts.
In development: <code>npx meshgate token --console --sub ana --roles analyst</code>.</p>
${error ? `<p class="error" role="alert"><strong>${escapeHtml(error.code)}</strong>: ${escapeHtml(error.message)}</p>` : ''}
${sso ? `<p><a class="sso" href="/console/login?next=${escapeHtml(next)}">Sign in with your organisation</a></p>\n` : ''}<form method="post" action="/console/login" autocomplete="off">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label for="token">Token</label>
<textarea id="token" name="token" rows="6" required spellcheck="false"></textarea>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`;
}

export interface NoticePageOptions {
  readonly title: string;
  readonly message: string;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  /** A same-origin path the page moves on to at once (meta refresh: no script, the CSP allows it). */
  readonly refreshTo?: string;
  readonly link?: { readonly href: string; readonly text: string };
}

/** A single sign-on step's page: the callback's hand-over to the console, a failure, or signed out. */
export function noticePage({ title, message, error, refreshTo, link }: NoticePageOptions): string {
  const refresh = refreshTo ? `<meta http-equiv="refresh" content="0;url=${escapeHtml(refreshTo)}">\n` : '';
  return `${head(`${escapeHtml(title)} · meshgate console`, 'console', refresh)}
<body class="login">
<main class="login-box">
<h1>meshgate console</h1>
<p data-testid="notice">${escapeHtml(message)}</p>
${error ? `<p class="error" role="alert"><strong>${escapeHtml(error.code)}</strong>: ${escapeHtml(error.message)}</p>` : ''}
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''}
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
