/**
 * OpenID Connect Discovery 1.0 §4: `<issuer>/.well-known/openid-configuration`, whose `issuer`
 * must equal the configured one exactly (§4.3), read for its `jwks_uri`. The first answer is
 * kept for the process's life; until one comes, every call asks again (the caller bounds how
 * often: the key set's cooldown).
 */
export function discoveredJwksUri(issuer: string, timeoutMs: number): () => Promise<string> {
  let found: string | null = null;
  return async () => {
    if (found !== null) return found;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`discovery ${url} answered HTTP ${response.status}`);
    const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (metadata.issuer !== issuer)
      throw new Error(`discovery ${url} names issuer ${String(metadata.issuer)}, not ${issuer}`);
    if (typeof metadata.jwks_uri !== 'string') throw new Error(`discovery ${url} has no jwks_uri`);
    found = metadata.jwks_uri;
    return found;
  };
}
