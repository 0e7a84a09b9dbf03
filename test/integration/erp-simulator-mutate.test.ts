import { generateCompany, runSimulatorCli, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { deletedWorkHourSchema, paths, workHourSchema } from '../../integrations/severa/wire';

const CLIENT_ID = 'mutate-client';
const CLIENT_SECRET = 'mutate-secret-not-real';
let sim: Simulator;
let token: string;

async function list(path: string): Promise<unknown[]> {
  const res = await fetch(`${sim.url}${path}`, { headers: { Authorization: `Bearer ${token}`, client_id: CLIENT_ID } });
  expect(res.status).toBe(200);
  return (await res.json()) as unknown[];
}

beforeAll(async () => {
  const company = generateCompany({ seed: 3, employees: 6, months: 4, endDate: '2025-01-31' });
  sim = await startSimulator({ company, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  sim.mutate.setNow('2025-02-03T10:00:00Z');
  const res = await fetch(`${sim.url}${paths.token}`, { method: 'POST', body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'hours:read' }) });
  token = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(() => sim.close());

describe('erp simulator mutations', () => {
  const since = encodeURIComponent('2025-02-03T10:00:00Z');

  it('spreads the generated lastUpdatedDateTime values over the period, all before the clock', async () => {
    const all: string[] = [];
    for (let i = 0; i < sim.company.hours.length; i += 1) all.push(new Date(sim.company.hours.updatedAtOf(i) * 1000).toISOString().slice(0, 7));
    expect(new Set(all)).toEqual(new Set(['2024-10', '2024-11', '2024-12', '2025-01']));
    expect(await list(`${paths.workHours}?changedSince=${since}`)).toEqual([]);
  });

  it('an edit shows up through changedSince with the simulator time', async () => {
    const target = (await list(`${paths.workHours}?rowCount=1&eventDateStart=2025-01-15`)).map((r) => workHourSchema.parse(r))[0];
    expect((target?.eventDate ?? '') >= '2025-01-15').toBe(true);
    sim.mutate.editWorkHour(target?.guid ?? '', { quantity: 3.25, eventDate: '2025-01-16' });
    const changed = (await list(`${paths.workHours}?changedSince=${since}`)).map((r) => workHourSchema.parse(r));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toEqual(expect.objectContaining({ guid: target?.guid, quantity: 3.25, eventDate: '2025-01-16', lastUpdatedDateTime: '2025-02-03T10:00:00Z' }));
  });

  it('a delete shows up in deletedworkhours and leaves the work-hour list', async () => {
    sim.mutate.advanceSeconds(60);
    const before = sim.company.counts().entries;
    const victim = (await list(`${paths.workHours}?rowCount=1`)).map((r) => workHourSchema.parse(r))[0];
    sim.mutate.deleteWorkHour(victim?.guid ?? '');
    const deleted = (await list(`${paths.deletedWorkHours}?deletedSince=${since}`)).map((r) => deletedWorkHourSchema.parse(r));
    expect(deleted).toEqual([{ guid: victim?.guid, deletedDateTime: '2025-02-03T10:01:00Z' }]);
    expect(await list(`${paths.deletedWorkHours}?deletedSince=2025-02-04T00:00:00Z`)).toEqual([]);
    expect((await list(`${paths.workHours}?rowCount=1`)).map((r) => workHourSchema.parse(r).guid)).not.toContain(victim?.guid);
    expect(sim.company.counts().entries).toBe(before - 1);
    expect(() => sim.mutate.deleteWorkHour(victim?.guid ?? '')).toThrow('unknown work hour');
  });

  it('an added work hour is listed with its user and date', async () => {
    const user = sim.company.users[1];
    const guid = sim.mutate.addWorkHour({ userGuid: user?.guid ?? '', eventDate: '2025-01-31', quantity: 2.5 });
    const changed = (await list(`${paths.workHours}?changedSince=${since}&eventDateStart=2025-01-31`)).map((r) => workHourSchema.parse(r));
    expect(changed.find((r) => r.guid === guid)).toEqual(expect.objectContaining({ quantity: 2.5, user: { guid: user?.guid }, isBillable: false }));
    expect(() => sim.mutate.addWorkHour({ userGuid: 'nobody', eventDate: '2025-01-31', quantity: 1 })).toThrow('unknown user');
  });
});

describe('simulate command', () => {
  it('prints the url and a one-off client secret, serves them, and stops on its signal', async () => {
    const lines: string[] = [];
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = runSimulatorCli(['--employees', '5', '--months', '2', '--end-date', '2024-12-31'], { write: (t) => lines.push(t), stopSignal: stopped });
    while (lines.length === 0) await new Promise((r) => setImmediate(r));
    const output = lines.join('');
    const url = /listening at (\S+)/.exec(output)?.[1] ?? '';
    const secret = /client_secret: (\S+)/.exec(output)?.[1] ?? '';
    expect(output).toContain('client_id: demo-client');
    const res = await fetch(`${url}${paths.token}`, { method: 'POST', body: JSON.stringify({ client_id: 'demo-client', client_secret: secret, scope: 'users:read' }) });
    expect(res.status).toBe(200);
    stop();
    await running;
    expect(lines.join('')).toContain('ERP simulator stopped.');
    await expect(fetch(`${url}${paths.token}`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
