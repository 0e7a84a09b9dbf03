import { startTestServer, type TestServer } from '../fakes/web-app';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

/** A refused sign-in as a browser sends it, in the browser's language; returns the page's error text. */
async function refusedSignIn(acceptLanguage?: string): Promise<{ status: number; lang: string | undefined; error: string | undefined }> {
  const language: Record<string, string> = acceptLanguage ? { 'accept-language': acceptLanguage } : {};
  const page = await fetch(`${server.url}/login`, { headers: language });
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { ...language, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: 'nobody-here', password: 'Not-The-Password-123' }).toString(),
  });
  const html = await res.text();
  return { status: res.status, lang: /<html lang="([a-z]+)"/.exec(html)?.[1], error: /class="alert error" role="alert">([^<]+)</.exec(html)?.[1]?.trim() };
}

test.each([
  ['fi-FI,fi;q=0.9', 'fi', 'Käyttäjätunnus, salasana tai koodi on väärin.'],
  ['sv-FI,sv;q=0.9,en;q=0.5', 'sv', 'Fel användarnamn, lösenord eller kod.'],
  [undefined, 'en', 'The user name, password or code is not right.'],
])('a refused sign-in (Accept-Language %s) says so in the page language %s', async (header, lang, text) => {
  const refused = await refusedSignIn(header);
  expect(refused.status).toBe(401);
  expect(refused.lang).toBe(lang);
  expect(refused.error).toBe(text);
});
