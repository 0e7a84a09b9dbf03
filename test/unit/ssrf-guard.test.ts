import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { ValidationError } from '../../src/errors';
import { addressRefusal, createSsrfGuard, refusingLookup, type SsrfMode } from '../../src/net/ssrf-guard';

/** Injected DNS: a fixed table, and a record of which names were asked. */
function fakeDns(table: Record<string, string[]>) {
  const asked: string[] = [];
  const lookup = async (host: string) => {
    asked.push(host);
    const answer = table[host];
    if (!answer) throw new Error('ENOTFOUND');
    return answer;
  };
  return { asked, lookup };
}

const dns = fakeDns({
  'api.severa.example': ['93.184.216.34'],
  'dual.severa.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'rebind.evil.example': ['127.0.0.1'],
  'internal.evil.example': ['10.0.0.5'],
  'mixed.evil.example': ['93.184.216.34', '192.168.0.10'],
  'metadata.evil.example': ['169.254.169.254'],
  'compat.evil.example': ['93.184.216.34', '::a9fe:a9fe'],
  localhost: ['127.0.0.1', '::1'],
  'empty.example': [],
});

async function refusal(url: string, mode: SsrfMode = 'production'): Promise<string> {
  const guard = createSsrfGuard({ mode, lookup: dns.lookup });
  try {
    await guard.checkUrl(url);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error(`expected ${url} to be refused in ${mode} mode`);
}

describe('ssrf guard: checkUrl refuses', () => {
  test.each([
    ['https://127.0.0.1/rest-api', 'loopback'],
    ['https://127.1.2.3/', 'loopback'],
    ['https://[::1]:8443/', 'loopback'],
    ['https://2130706433/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://10.1.2.3/', 'private'],
    ['https://172.16.0.5/', 'private'],
    ['https://172.31.255.254/', 'private'],
    ['https://192.168.1.1/', 'private'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://[fc00::1]/', 'unique-local'],
    ['https://[fd12:3456::1]/', 'unique-local'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://[::]/', 'unspecified'],
    ['https://100.64.0.1/', 'carrier-grade NAT'],
    ['https://[::ffff:10.0.0.1]/', 'IPv4-mapped'],
    ['https://[::ffff:127.0.0.1]/', 'IPv4-mapped'],
    ['https://[::ffff:169.254.169.254]/', 'IPv4-mapped'],
    ['https://rebind.evil.example/', 'loopback: rebind.evil.example resolves to 127.0.0.1'],
    ['https://internal.evil.example/', 'private: internal.evil.example resolves to 10.0.0.5'],
    ['https://metadata.evil.example/', 'link-local'],
    ['https://mixed.evil.example/', 'private: mixed.evil.example resolves to 192.168.0.10'],
    // IPv6 forms that carry an IPv4 address: compatible (deprecated), mapped, SIIT, NAT64, 6to4.
    ['https://[::a9fe:a9fe]/latest/meta-data/', 'IPv4-compatible IPv6: ::a9fe:a9fe'],
    ['https://[::169.254.169.254]/', 'IPv4-compatible IPv6'],
    ['https://[::7f00:1]/', 'IPv4-compatible IPv6'],
    ['https://[::a00:1]/', 'IPv4-compatible IPv6'],
    ['https://[::c0a8:1]/', 'IPv4-compatible IPv6'],
    ['https://[::808:808]/', 'IPv4-compatible IPv6'],
    ['https://[::ffff:a9fe:a9fe]/', 'IPv4-mapped'],
    ['https://[::ffff:0:a00:1]/', 'IPv4-mapped'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'NAT64'],
    ['https://[64:ff9b::10.0.0.1]/', 'NAT64'],
    ['https://[64:ff9b::7f00:1]/', 'NAT64'],
    ['https://[2002:a9fe:a9fe::1]/', '6to4'],
    ['https://[2002:a00:1::]/', '6to4'],
    ['https://[2002:7f00:1::1]/', '6to4'],
    ['https://compat.evil.example/', 'IPv4-compatible IPv6: compat.evil.example resolves to ::a9fe:a9fe'],
  ])('%s in production (%s)', async (url, reason) => {
    expect(await refusal(url)).toContain(reason);
  });

  test.each([
    ['https://10.0.0.1/', 'private'],
    ['https://192.168.0.1/', 'private'],
    ['https://169.254.169.254/', 'link-local'],
    ['https://[fd00::1]/', 'unique-local'],
    ['http://127.0.0.2/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped'],
    ['http://internal.evil.example/', 'private'],
    ['http://0.0.0.0:8080/', 'unspecified'],
    ['http://[::7f00:1]:4010/', 'IPv4-compatible IPv6'],
    ['http://[::a9fe:a9fe]/', 'IPv4-compatible IPv6'],
  ])('%s even in development mode (%s)', async (url, reason) => {
    expect(await refusal(url, 'development')).toContain(reason);
  });

  test('plain http in production, even to a public host', async () => {
    expect(await refusal('http://api.severa.example/rest-api')).toContain('must use https');
  });

  test.each(['ftp://api.severa.example/', 'file:///etc/passwd', 'gopher://api.severa.example/', 'javascript:alert(1)'])(
    'non-http scheme %s',
    async (url) => {
      expect(await refusal(url, 'development')).toContain('must use https');
    },
  );

  test('credentials in the URL, without echoing them', async () => {
    const message = await refusal('https://admin:hunter2-secret@api.severa.example/rest-api');
    expect(message).toContain('must not contain a user name or password');
    expect(message).not.toContain('hunter2-secret');
    expect(message).not.toContain('admin');
  });

  test('unparseable URLs and hosts that do not resolve', async () => {
    expect(await refusal('not a url')).toContain('not a valid URL');
    expect(await refusal('https://nowhere.example/')).toContain('could not be resolved');
    expect(await refusal('https://empty.example/')).toContain('could not be resolved');
  });
});

describe('ssrf guard: checkUrl allows', () => {
  test('a public host over https in production, asking DNS once and connecting nowhere', async () => {
    const local = fakeDns({ 'api.severa.example': ['93.184.216.34'] });
    const guard = createSsrfGuard({ mode: 'production', lookup: local.lookup });
    await expect(guard.checkUrl('https://api.severa.example/rest-api')).resolves.toBeUndefined();
    await expect(guard.checkUrl('https://93.184.216.34/rest-api')).resolves.toBeUndefined();
    expect(local.asked).toEqual(['api.severa.example']);
  });

  test('a host with public IPv4 and IPv6 answers', async () => {
    const guard = createSsrfGuard({ mode: 'production', lookup: dns.lookup });
    await expect(guard.checkUrl('https://dual.severa.example/rest-api')).resolves.toBeUndefined();
  });

  test.each(['development', 'test'] as const)('the loopback simulator in %s mode', async (mode) => {
    const guard = createSsrfGuard({ mode, lookup: dns.lookup });
    await expect(guard.checkUrl('http://127.0.0.1:4010/rest-api')).resolves.toBeUndefined();
    await expect(guard.checkUrl('http://[::1]:4010/rest-api')).resolves.toBeUndefined();
    await expect(guard.checkUrl('http://localhost:4010/rest-api')).resolves.toBeUndefined();
  });
});

test('addressRefusal classifies literal addresses like request-filtering-agent (unicast only)', () => {
  expect(addressRefusal('93.184.216.34', false)).toBeUndefined();
  expect(addressRefusal('172.32.0.1', false)).toBeUndefined();
  expect(addressRefusal('203.0.113.10', false)).toBe('reserved (documentation)');
  expect(addressRefusal('224.0.0.1', false)).toBe('multicast');
  expect(addressRefusal('127.0.0.1', true)).toBeUndefined();
  expect(addressRefusal('127.0.0.1', false)).toBe('loopback');
  expect(addressRefusal('not-an-ip', true)).toBe('not an IP address');
});

describe('ssrf guard: the agents\' lookup judges every answer with the same ranges', () => {
  /** A dns.lookup stand-in answering the given addresses, in the single or the `all` form node asks for. */
  const answering = (addresses: string[]) =>
    ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      const list = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (options.all) cb(null, list);
      else cb(null, list[0]?.address, list[0]?.family);
    }) as unknown as LookupFunction;
  const resolve = (lookup: LookupFunction, all: boolean): Promise<string> =>
    new Promise((done) => {
      lookup('erp.example', { all }, (err, address) => done(err ? `refused: ${err.message}` : JSON.stringify(address)));
    });

  test.each([
    ['::a9fe:a9fe', 'IPv4-compatible IPv6'],
    ['::7f00:1', 'IPv4-compatible IPv6'],
    ['::a00:1', 'IPv4-compatible IPv6'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped IPv6'],
    ['64:ff9b::a00:1', 'NAT64'],
    ['2002:a00:1::1', '6to4'],
  ])('an answer of %s is refused (%s), in the single and the all form', async (address, reason) => {
    const lookup = refusingLookup(false, answering([address]));
    expect(await resolve(lookup, false)).toBe(`refused: Connecting to ${address} (host erp.example) is not allowed: ${reason}`);
    expect(await resolve(refusingLookup(false, answering(['93.184.216.34', address])), true)).toContain(`Connecting to ${address}`);
  });

  test('public answers pass unchanged; loopback only when allowed', async () => {
    expect(await resolve(refusingLookup(false, answering(['93.184.216.34'])), false)).toBe('"93.184.216.34"');
    expect(await resolve(refusingLookup(false, answering(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])), true)).toBe(
      JSON.stringify([{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 }]),
    );
    expect(await resolve(refusingLookup(true, answering(['127.0.0.1'])), false)).toBe('"127.0.0.1"');
    expect(await resolve(refusingLookup(false, answering(['127.0.0.1'])), false)).toContain('not allowed: loopback');
  });
});

describe('ssrf guard: agents refuse at connect time', () => {
  let server: http.Server;
  let port: number;
  let connections = 0;
  /** Every name resolves to our own loopback server, so a wrong decision still stays on loopback. */
  const toLoopback = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  }) as unknown as LookupFunction;

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function get(agent: http.Agent, host: string): Promise<string> {
    return new Promise((resolve) => {
      try {
        const req = http.request({ host, port, agent, lookup: toLoopback }, (res) => {
          res.resume();
          res.on('end', () => resolve(`status ${res.statusCode}`));
        });
        req.on('error', (err) => resolve(`refused: ${err.message}`));
        req.end();
      } catch (err) {
        resolve(`refused: ${(err as Error).message}`);
      }
    });
  }

  test('production agent refuses a loopback literal and a name resolving to loopback', async () => {
    const guard = createSsrfGuard({ mode: 'production' });
    const before = connections;
    expect(await get(guard.httpAgent, '127.0.0.1')).toMatch(/^refused: .*not allowed/);
    expect(await get(guard.httpAgent, 'rebind.evil.example')).toMatch(/^refused: .*not allowed/);
    expect(connections).toBe(before);
  });

  test('test-mode agent reaches the loopback server', async () => {
    const guard = createSsrfGuard({ mode: 'test' });
    const before = connections;
    expect(await get(guard.httpAgent, '127.0.0.1')).toBe('status 200');
    expect(await get(guard.httpAgent, 'localhost')).toBe('status 200');
    expect(connections).toBe(before + 2);
  });
});
