import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErpUser, ErpWorkContract, ErpWorkHour } from '../../integrations/erp/erp-client';

/** What the fake ERP holds: already in domain shapes, since its only job is to be a second kind. */
export interface FakeErpData {
  people: ErpUser[];
  contracts: Record<string, ErpWorkContract[]>;
  hours: ErpWorkHour[];
}

export interface FakeErpServer {
  url: string;
  apiKey: string;
  requests: string[];
  close(): Promise<void>;
}

/** A loopback JSON API with one API-key header: GET /api/people, /api/people/{id}/contracts, /api/hours?from&to. */
export async function startFakeErpServer(data: FakeErpData, apiKey: string): Promise<FakeErpServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(url.pathname);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['x-api-key'] !== apiKey) return send(401, { error: 'unauthorised' });
    if (url.pathname === '/api/people') return send(200, data.people);
    const contracts = /^\/api\/people\/([^/]+)\/contracts$/.exec(url.pathname);
    if (contracts) return send(200, data.contracts[contracts[1] ?? ''] ?? []);
    if (url.pathname === '/api/hours') {
      const from = url.searchParams.get('from') ?? '';
      const to = url.searchParams.get('to') ?? '';
      return send(200, data.hours.filter((h) => h.date >= from && h.date <= to));
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
