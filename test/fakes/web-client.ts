import { createUsersService } from '../../src/auth/users.service';
import { totpCode } from '../../src/auth/totp';
import { createInviteService } from '../../src/auth/invites';
import { systemClock } from '../../src/clock';
import type { TestServer } from './web-app';
import { plainCipher, testPasswords } from './web-app';

/** fetch with a cookie jar and the CSRF token handling a browser form would do. */
export function createWebClient(server: Pick<TestServer, 'url'>) {
  const jar = new Map<string, string>();
  let lastSetCookies: string[] = [];

  async function request(method: string, path: string, init: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await fetch(server.url + path, { method, headers, body, redirect: 'manual' });
    lastSetCookies = res.headers.getSetCookie();
    for (const c of lastSetCookies) {
      const [pair] = c.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      const value = rest.join('=');
      if (!name) continue;
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  async function csrf(): Promise<string> {
    const me = await request('GET', '/api/v1/me');
    if (me.status === 200) return ((await me.json()) as { csrfToken: string }).csrfToken;
    const page = await (await request('GET', '/login')).text();
    return /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  }

  return {
    jar,
    setCookies: () => lastSetCookies,
    get: (path: string, headers?: Record<string, string>) => request('GET', path, { headers }),
    async post(path: string, form: Record<string, string> = {}) {
      return request('POST', path, { form: { _csrf: await csrf(), ...form } });
    },
    async api(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
      return request(method, path, { json, headers: { 'x-csrf-token': await csrf(), ...headers } });
    },
    raw: request,
    csrf,
  };
}

export type WebClient = ReturnType<typeof createWebClient>;

/** A staff user made as the CLI would, then signed in with password + TOTP over HTTP. */
export async function signInStaff(server: TestServer, username = 'ops-one'): Promise<WebClient & { userId: string; password: string }> {
  const users = createUsersService({ db: server.db, clock: server.clock, cipher: plainCipher, passwords: testPasswords });
  const { userId, enrolment, initialPassword } = await users.createStaffUser(username);
  const client = createWebClient(server);
  await client.post('/login', { username, password: initialPassword });
  await client.post('/login/totp', { code: totpCode(enrolment.secret, server.clock.now()) });
  return Object.assign(client, { userId, password: initialPassword });
}

export async function createTenant(server: TestServer, name: string): Promise<string> {
  const now = new Date().toISOString();
  const id = `tenant-${name.toLowerCase().replace(/\W/g, '')}-${Math.random().toString(36).slice(2, 8)}`;
  await server.db.kysely
    .insertInto('tenants')
    .values({ id, display_name: name, erp_kind: 'severa', erp_base_url: null, contract_start: '2026-01-01', contract_end: null, timezone: 'Europe/Helsinki', country: 'FI', default_language: 'fi', status: 'active', settings_json: '{}', created_at: now, updated_at: now })
    .execute();
  return id;
}

/** A customer admin created through the real invite link. */
export async function signInAdmin(server: TestServer, tenantId: string, username: string): Promise<WebClient> {
  const invites = createInviteService({ db: server.db, clock: { now: () => server.clock.now() ?? systemClock.now() } });
  const { token } = await invites.create(tenantId, 'staff-seed', username);
  const client = createWebClient(server);
  const password = 'Quiet-Harbour-Lantern-42';
  await client.post(`/invite/${token}`, { password, confirm: password });
  return client;
}
