/**
 * SSRF guard for the ERP base URL a customer admin enters. Two layers:
 * - `checkUrl` gives the admin a clear answer when the URL is saved or tested (scheme, credentials,
 *   every address the host resolves to);
 * - the http(s) agents re-check the address actually connected to, so a DNS answer that changes after
 *   `checkUrl` (rebinding) is still refused at connect time. They are request-filtering-agent's
 *   (ipaddr.js "unicast only"), with this module's ranges applied on top at connect time too: ipaddr.js
 *   calls IPv4-compatible IPv6 (`::a9fe:a9fe`, i.e. ::169.254.169.254) plain unicast.
 * The ranges are checked with node's net.BlockList rather than parsed by hand.
 */
import { promises as dns, lookup as dnsLookup } from 'node:dns';
import net, { type LookupFunction, type TcpNetConnectOpts } from 'node:net';
import type http from 'node:http';
import type https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { ValidationError } from '../errors';

export type SsrfMode = 'production' | 'development' | 'test';

export interface SsrfGuardDeps {
  mode: SsrfMode;
  /** Resolves a host name to its addresses; injected in tests so no real DNS is asked. */
  lookup?: (host: string) => Promise<string[]>;
}

export interface SsrfGuard {
  /** Throws ValidationError with the reason when the URL must not be used as an ERP base URL. */
  checkUrl(url: string): Promise<void>;
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/** The loopback addresses the built-in simulator binds to; allowed outside production only. */
const DEV_LOOPBACK = ['127.0.0.1', '::1'];

const IPV4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved (documentation)'],
  ['192.31.196.0', 24, 'reserved (AS112)'],
  ['192.52.193.0', 24, 'reserved (AMT)'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['192.175.48.0', 24, 'reserved (AS112)'],
  ['198.18.0.0', 15, 'reserved (benchmarking)'],
  ['198.51.100.0', 24, 'reserved (documentation)'],
  ['203.0.113.0', 24, 'reserved (documentation)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  // Deprecated (RFC 4291) but still parsed: ::7f00:1 and ::a9fe:a9fe carry 127.0.0.1 and 169.254.169.254.
  ['::', 96, 'IPv4-compatible IPv6'],
  ['64:ff9b::', 96, 'NAT64'],
  ['64:ff9b:1::', 48, 'NAT64'],
  ['100::', 64, 'discard'],
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'reserved (documentation)'],
  ['2002::', 16, '6to4'],
  ['2620:4f:8000::', 48, 'reserved (AS112)'],
  ['3fff::', 20, 'reserved (documentation)'],
  ['5f00::', 16, 'segment routing'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

function buildRangeLists(): Array<{ list: net.BlockList; reason: string }> {
  const byReason = new Map<string, net.BlockList>();
  const add = (family: 'ipv4' | 'ipv6') => ([address, prefix, reason]: [string, number, string]) => {
    const list = byReason.get(reason) ?? new net.BlockList();
    list.addSubnet(address, prefix, family);
    byReason.set(reason, list);
  };
  IPV4_RANGES.forEach(add('ipv4'));
  IPV6_RANGES.forEach(add('ipv6'));
  return [...byReason].map(([reason, list]) => ({ list, reason }));
}

const RANGE_LISTS = buildRangeLists();
const IPV4_MAPPED = (() => {
  const list = new net.BlockList();
  list.addSubnet('::ffff:0:0', 96, 'ipv6');
  list.addSubnet('::ffff:0:0:0', 96, 'ipv6');
  return list;
})();

/**
 * The kind of range that forbids connecting to an address (e.g. 'private'), or undefined when the
 * address is public unicast. IPv4-mapped IPv6 forms are refused outright, as request-filtering-agent
 * does, rather than judged by the IPv4 address they carry.
 */
export function addressRefusal(address: string, allowLoopback: boolean): string | undefined {
  const family = net.isIP(address);
  if (family === 0) return 'not an IP address';
  if (allowLoopback && DEV_LOOPBACK.includes(address)) return undefined;
  if (family === 6 && IPV4_MAPPED.check(address, 'ipv6')) return 'IPv4-mapped IPv6';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return RANGE_LISTS.find(({ list }) => list.check(address, type))?.reason;
}

/** Hosts arrive bracketed from URLs (`[::1]`) and bare from node's own options. */
const bare = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

/** The code the outbound transport recognises a refused address by (axios keeps an error's code). */
const SSRF_REFUSED_CODE = 'ERR_SSRF_REFUSED';

function refusedError(address: string, host: string, reason: string): Error {
  return Object.assign(new Error(`Connecting to ${address} (host ${host}) is not allowed: ${reason}`), { code: SSRF_REFUSED_CODE });
}

/**
 * A dns.lookup-shaped function whose answers must all pass addressRefusal before anyone connects;
 * the agents put it in front of whatever lookup the request brings.
 */
export function refusingLookup(allowLoopback: boolean, lookup: LookupFunction = dnsLookup): LookupFunction {
  return ((hostname: string, options: object, callback: (err: Error | null, address?: unknown, family?: number) => void) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err);
      const answers = Array.isArray(address) ? (address as Array<{ address: string }>).map((a) => a.address) : [address];
      for (const answer of answers) {
        const reason = addressRefusal(answer, allowLoopback);
        if (reason !== undefined) return callback(refusedError(answer, hostname, reason));
      }
      callback(null, address, family);
    });
  }) as LookupFunction;
}

/** The connect-time options the agents pass on: a literal host is judged now, a name when it resolves. */
function guardedOptions(options: TcpNetConnectOpts, allowLoopback: boolean): TcpNetConnectOpts {
  const host = bare(options.host ?? '');
  const reason = net.isIP(host) === 0 ? undefined : addressRefusal(host, allowLoopback);
  if (reason !== undefined) throw refusedError(host, host, reason);
  return { ...options, lookup: refusingLookup(allowLoopback, options.lookup) };
}

/** request-filtering-agent's own checks stay; this module's ranges run first, at every connect. */
function guarded<A extends RequestFilteringHttpAgent | RequestFilteringHttpsAgent>(agent: A, allowLoopback: boolean): A {
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (options: TcpNetConnectOpts, listener?: Parameters<typeof connect>[1]): ReturnType<typeof connect> =>
    connect(guardedOptions(options, allowLoopback), listener);
  return agent;
}

async function systemLookup(host: string): Promise<string[]> {
  const answers = await dns.lookup(host, { all: true, verbatim: true });
  return answers.map((a) => a.address);
}

export function createSsrfGuard(deps: SsrfGuardDeps): SsrfGuard {
  const allowLoopback = deps.mode !== 'production';
  const lookup = deps.lookup ?? systemLookup;
  const filterOptions = {
    allowPrivateIPAddress: false,
    allowMetaIPAddress: false,
    allowIPAddressList: allowLoopback ? DEV_LOOPBACK : [],
  };

  async function checkUrl(raw: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ValidationError('ERP base URL is not a valid URL', [], { pageTexts: [{ key: 'url.invalid' }] });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ValidationError('ERP base URL must use https', [], { pageTexts: [{ key: 'url.https' }] });
    }
    if (url.protocol === 'http:' && deps.mode === 'production') {
      throw new ValidationError('ERP base URL must use https', [], { pageTexts: [{ key: 'url.https' }] });
    }
    if (url.username !== '' || url.password !== '') {
      // The value itself is not echoed: it may be a password.
      throw new ValidationError('ERP base URL must not contain a user name or password', [], { pageTexts: [{ key: 'url.userinfo' }] });
    }
    const host = bare(url.hostname);
    if (host === '') throw new ValidationError('ERP base URL has no host', [], { pageTexts: [{ key: 'url.noHost' }] });

    let addresses: string[];
    if (net.isIP(host) !== 0) {
      addresses = [host];
    } else {
      try {
        addresses = await lookup(host);
      } catch {
        throw new ValidationError(`ERP host ${host} could not be resolved`, [], { pageTexts: [{ key: 'url.unresolved', params: { host } }] });
      }
      if (addresses.length === 0) throw new ValidationError(`ERP host ${host} could not be resolved`, [], { pageTexts: [{ key: 'url.unresolved', params: { host } }] });
    }
    for (const address of addresses) {
      const refusal = addressRefusal(address, allowLoopback);
      if (refusal !== undefined) {
        const via = address === host ? address : `${host} resolves to ${address}`;
        throw new ValidationError(`ERP base URL points to a non-public address (${refusal}: ${via}); only public addresses are allowed`, [], {
          pageTexts: [{ key: 'url.private', params: { reason: refusal, via } }],
        });
      }
    }
  }

  return {
    checkUrl,
    httpAgent: guarded(new RequestFilteringHttpAgent(filterOptions), allowLoopback),
    httpsAgent: guarded(new RequestFilteringHttpsAgent(filterOptions), allowLoopback),
  };
}
