/** HTTP helpers for tests that speak to the simulator the way any Severa client would. */
import type { Simulator } from '../../integrations/erp-simulator';

export const ALL_SCOPES = 'users:read,hours:read,activities:read,projects:read,settings:read';

export interface SimSession {
  token: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Follows NextPageToken; stops after maxPages (a sample) or at the last page. */
  crawl(path: string, opts?: { query?: string; rowCount?: number; maxPages?: number }): Promise<{ rows: unknown[]; pages: number }>;
}

export function postJson(sim: Simulator, path: string, body: unknown): Promise<Response> {
  return fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export async function openSession(sim: Simulator, credentials: { clientId: string; clientSecret: string }, scope = ALL_SCOPES): Promise<SimSession> {
  const res = await postJson(sim, '/v1/token', { client_id: credentials.clientId, client_secret: credentials.clientSecret, scope });
  if (res.status !== 200) throw new Error(`token request failed with ${res.status}`);
  const token = ((await res.json()) as { access_token: string }).access_token;
  const get = (path: string, headers: Record<string, string> = { Authorization: `Bearer ${token}`, Client_Id: credentials.clientId }) =>
    fetch(`${sim.url}${path}`, { headers });
  return {
    token,
    get,
    async crawl(path, { query = '', rowCount = 100, maxPages = Infinity } = {}) {
      const rows: unknown[] = [];
      let pageToken: string | null = null;
      let pages = 0;
      do {
        const params = new URLSearchParams(query);
        params.set('rowCount', String(rowCount));
        if (pageToken) params.set('pageToken', pageToken);
        const res = await get(`${path}?${params.toString()}`);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        rows.push(...((await res.json()) as unknown[]));
        pageToken = res.headers.get('NextPageToken');
        pages += 1;
      } while (pageToken && pages < maxPages);
      return { rows, pages };
    },
  };
}
