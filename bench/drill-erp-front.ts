import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErpRequest } from './drill-verify';

export interface ErpFront {
  /** The ERP base URL to give tenant `key`: its own path prefix in front of the shared simulator. */
  urlFor(key: string): string;
  /** Every request answered so far, in arrival order. */
  log: ErpRequest[];
  close(): Promise<void>;
}

const PREFIX = /^\/t\/([A-Za-z0-9_-]+)(\/rest-api\/.*)$/;

/** Path below the API base with per-user segments folded, so requests group by resource. */
function template(apiPath: string): string {
  return apiPath.replace(/^\/rest-api/, '').replace(/\?.*$/, '').replace(/^\/v1\/users\/[^/]+/, '/v1/users/{guid}');
}

/**
 * A logging front for the ERP simulator: every tenant reaches the simulator through its own path
 * prefix, so the log tells tenants apart, and the bearer token (hashed) tells apart executions. This is
 * the ERP's view of what we did, independent of our own tables.
 */
export async function startErpFront(upstreamBaseUrl: string): Promise<ErpFront> {
  const upstream = new URL(upstreamBaseUrl);
  const agent = new http.Agent({ keepAlive: true });
  const log: ErpRequest[] = [];
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const match = PREFIX.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const [, tenant = '', apiPath = ''] = match;
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const session = bearer ? createHash('sha256').update(bearer).digest('hex').slice(0, 16) : '';
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: apiPath, method: req.method, headers: { ...req.headers, host: upstream.host }, agent },
      (answer) => {
        const status = answer.statusCode ?? 0;
        log.push({ at, tenant, session, path: template(apiPath), status, lastPage: status === 200 && answer.headers.nextpagetoken === undefined });
        res.writeHead(status, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlFor: (key) => `http://127.0.0.1:${port}/t/${key}/rest-api`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
