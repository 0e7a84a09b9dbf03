import { DateTime } from 'luxon';
import { generateCompany, runSimulatorCli, startSimulator, type Simulator } from '../../integrations/erp-simulator';
import { openSession, type SimSession } from '../contract/sim-session';
import { waitUntil } from '../fakes/wait-until';

const CREDENTIALS = { clientId: 'mutate-client', clientSecret: 'mutate-secret-not-real' };
type Row = Record<string, unknown>;
let sim: Simulator;
let s: SimSession;

async function list(path: string): Promise<Row[]> {
  const res = await s.get(path);
  expect(res.status).toBe(200);
  return (await res.json()) as Row[];
}

/** The instant a served date-time stands for; without an offset it is Helsinki wall-clock time. */
function instant(value: unknown): string {
  return DateTime.fromISO(String(value), { zone: 'Europe/Helsinki' }).toUTC().toISO() ?? '';
}

beforeAll(async () => {
  const company = generateCompany({ seed: 3, employees: 6, months: 4, endDate: '2025-01-31' });
  sim = await startSimulator({ company, ...CREDENTIALS });
  sim.mutate.setNow('2025-02-03T10:00:00Z');
  s = await openSession(sim, CREDENTIALS);
});

afterAll(() => sim.close());

describe('erp simulator mutations', () => {
  const since = encodeURIComponent('2025-02-03T10:00:00Z');

  it('spreads the generated lastUpdatedDateTime values over the period, all before the clock', async () => {
    const all: string[] = [];
    for (let i = 0; i < sim.company.hours.length; i += 1) all.push(new Date(sim.company.hours.updatedAtOf(i) * 1000).toISOString().slice(0, 7));
    expect(new Set(all)).toEqual(new Set(['2024-10', '2024-11', '2024-12', '2025-01']));
    expect(await list(`/v1/workhours?changedSince=${since}`)).toEqual([]);
    expect(await list(`/v1/users?changedSince=${since}`)).toEqual([]);
  });

  it('an edit shows up through changedSince with the simulator time', async () => {
    const target = (await list('/v1/workhours?rowCount=1&eventDateStart=2025-01-15'))[0];
    expect(String(target?.eventDate).slice(0, 10) >= '2025-01-15').toBe(true);
    sim.mutate.editWorkHour(String(target?.guid), { quantity: 3.25, eventDate: '2025-01-16' });
    const changed = await list(`/v1/workhours?changedSince=${since}`);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toEqual(expect.objectContaining({ guid: target?.guid, quantity: 3.25, eventDate: expect.stringMatching(/^2025-01-16/) }));
    expect(instant(changed[0]?.lastUpdatedDateTime)).toBe('2025-02-03T10:00:00.000Z');
  });

  it('a delete shows up in deletedworkhours and leaves the work-hour list', async () => {
    sim.mutate.advanceSeconds(60);
    const before = sim.company.counts().entries;
    const victim = (await list('/v1/workhours?rowCount=1'))[0];
    sim.mutate.deleteWorkHour(String(victim?.guid));
    const deleted = await list(`/v1/deletedworkhours?deletedSince=${since}`);
    expect(deleted).toEqual([expect.objectContaining({ guid: victim?.guid, quantity: victim?.quantity, user: { guid: (victim?.user as Row).guid } })]);
    expect(instant(deleted[0]?.deletedDateTime)).toBe('2025-02-03T10:01:00.000Z');
    expect(await list('/v1/deletedworkhours?deletedSince=2025-02-04T00:00:00Z')).toEqual([]);
    expect((await list('/v1/workhours?rowCount=1')).map((r) => r.guid)).not.toContain(victim?.guid);
    expect(sim.company.counts().entries).toBe(before - 1);
    expect(() => sim.mutate.deleteWorkHour(String(victim?.guid))).toThrow('unknown work hour');
  });

  it('an added work hour is listed with its user and date', async () => {
    const user = sim.company.users[1];
    const guid = sim.mutate.addWorkHour({ userGuid: user?.guid ?? '', eventDate: '2025-01-31', quantity: 2.5 });
    const changed = await list(`/v1/workhours?changedSince=${since}&eventDateStart=2025-01-31`);
    expect(changed.find((r) => r.guid === guid)).toEqual(expect.objectContaining({ quantity: 2.5, user: expect.objectContaining({ guid: user?.guid }), isBillable: false }));
    expect(() => sim.mutate.addWorkHour({ userGuid: 'nobody', eventDate: '2025-01-31', quantity: 1 })).toThrow('unknown user');
  });

  it('a contract edit changes the user (changedSince), the current contract on the user list and the history', async () => {
    sim.mutate.advanceSeconds(60);
    const user = sim.company.users[2];
    sim.mutate.editContract(user?.guid ?? '', { dailyHours: 6, workWeek: [1, 2, 3, 4] });
    const changed = await list(`/v1/users?changedSince=${encodeURIComponent('2025-02-03T10:02:00Z')}`);
    expect(changed.map((u) => u.guid)).toEqual([user?.guid]);
    expect(changed[0]?.workContract).toEqual(expect.objectContaining({ dailyHours: 6, workWeek: ['Monday', 'Tuesday', 'Wednesday', 'Thursday'] }));
    const history = await list(`/v1/users/${user?.guid}/workcontracts`);
    expect(history[history.length - 1]).toEqual(expect.objectContaining({ dailyHours: 6 }));
    expect(() => sim.mutate.editContract(user?.guid ?? '', { workWeek: [0] })).toThrow('workWeek');
  });
});

describe('simulate command', () => {
  it('prints the url and a one-off client secret, serves them, and stops on its signal', async () => {
    const lines: string[] = [];
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = runSimulatorCli(['--employees', '5', '--months', '2', '--end-date', '2024-12-31', '--flextime'], { write: (t) => lines.push(t), stopSignal: stopped });
    await waitUntil(() => lines.length > 0, 'the simulator has printed its address');
    const output = lines.join('');
    const url = /listening at (\S+)/.exec(output)?.[1] ?? '';
    const secret = /client_secret: (\S+)/.exec(output)?.[1] ?? '';
    expect(output).toContain('client_id: demo-client');
    const res = await fetch(`${url}/v1/token`, { method: 'POST', body: JSON.stringify({ client_id: 'demo-client', client_secret: secret }) });
    const token = ((await res.json()) as { access_token: string }).access_token;
    const users = (await (await fetch(`${url}/v1/users`, { headers: { Authorization: `Bearer ${token}`, Client_Id: 'demo-client' } })).json()) as Row[];
    const flex = await fetch(`${url}/v1/users/${String(users[0]?.guid)}/flextime?eventDate=2024-12-20`, { headers: { Authorization: `Bearer ${token}`, Client_Id: 'demo-client' } });
    expect(flex.status).toBe(200);
    stop();
    await running;
    expect(lines.join('')).toContain('ERP simulator stopped.');
    await expect(fetch(`${url}/v1/token`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
