import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readOutboxMessages } from '../../bench/drill-outbox';
import { startSendGridReceiver } from '../../bench/drill-sendgrid';
import {
  countExecutions,
  countRecipients,
  countRunsReportedTwice,
  drillFailures,
  SYNC_END_PATH,
  type DrillOutcome,
  type ErpRequest,
  type ExpectedRecipient,
} from '../../bench/drill-verify';
import { fixedClock } from '../../src/clock';
import { createFileOutbox } from '../../src/email/file-outbox';

const ann: ExpectedRecipient = { tenant: 't1', personId: 'p-ann', address: 'ann@company.example' };
const bob: ExpectedRecipient = { tenant: 't1', personId: 'p-bob', address: 'bob@company.example' };
const msg = (r: ExpectedRecipient, tenant = r.tenant) => ({ tenant, address: r.address });

const clean: DrillOutcome = {
  recipients: countRecipients([ann], [msg(ann)], []),
  executions: countExecutions([]),
  runsReportedTwice: 0,
  syncRunsSucceeded: 0,
  pipelineFinished: true,
  crashes: 0,
  integrity: 'ok',
};

describe('drill oracle: messages per recipient', () => {
  it('passes when every expected person got exactly one message', () => {
    const figures = countRecipients([ann, bob], [msg(ann), msg(bob)], []);
    expect(figures).toMatchObject({ expected_recipients: 2, emailed_once: 2, extra_messages: 0, lost: 0, messages_per_recipient_min: 1, messages_per_recipient_max: 1 });
    expect(drillFailures({ ...clean, recipients: figures })).toEqual([]);
  });

  it('fails on a second message to the same address, whatever the delivery row says', () => {
    const figures = countRecipients([ann, bob], [msg(ann), msg(bob), { tenant: 't1', address: 'ANN@company.example ' }], []);
    expect(figures).toMatchObject({ duplicated_recipients: 1, extra_messages: 1, emailed_once: 1, messages_per_recipient_max: 2 });
    expect(drillFailures({ ...clean, recipients: figures })).toEqual(['duplicate messages']);
  });

  it('fails on a person never emailed and not shown to staff as unknown', () => {
    const figures = countRecipients([ann, bob], [msg(ann)], []);
    expect(figures).toMatchObject({ lost: 1, unknown_reported: 0, messages_per_recipient_min: 0 });
    expect(drillFailures({ ...clean, recipients: figures })).toEqual(['recipients never emailed and never reported']);
  });

  it('accepts a person never emailed when staff see the delivery as unknown, but only in that tenant', () => {
    const reported = countRecipients([ann, bob], [msg(ann)], [{ tenant: 't1', personId: 'p-bob' }]);
    expect(reported).toMatchObject({ lost: 0, unknown_reported: 1 });
    expect(drillFailures({ ...clean, recipients: reported })).toEqual([]);
    const otherTenant = countRecipients([ann, bob], [msg(ann)], [{ tenant: 't2', personId: 'p-bob' }]);
    expect(otherTenant.lost).toBe(1);
  });

  it('counts a message in the wrong tenant as unexpected, not as the expected one', () => {
    const figures = countRecipients([ann], [msg(ann, 't2')], []);
    expect(figures).toMatchObject({ lost: 1, unexpected_messages: 1 });
  });

  it('lets people sharing an address share its messages', () => {
    const twin: ExpectedRecipient = { tenant: 't1', personId: 'p-twin', address: ann.address };
    expect(countRecipients([ann, twin], [msg(ann), msg(ann)], [])).toMatchObject({ emailed_once: 2, extra_messages: 0, lost: 0 });
    expect(countRecipients([ann, twin], [msg(ann), msg(ann), msg(ann)], [])).toMatchObject({ extra_messages: 1, duplicated_recipients: 1 });
    expect(countRecipients([ann, twin], [msg(ann)], [{ tenant: 't1', personId: 'p-twin' }])).toMatchObject({ lost: 0, unknown_reported: 1 });
  });

  it('fails when the ground truth expects nobody: an empty drill proves nothing', () => {
    expect(drillFailures({ ...clean, recipients: countRecipients([], [], []) })).toEqual(['no expected recipients']);
  });
});

describe('drill oracle: executions at the ERP', () => {
  const req = (at: number, session: string, path: string, lastPage = true, tenant = 't1'): ErpRequest => ({ at, tenant, session, path, status: 200, lastPage });
  const sync = (session: string, from: number, to: number, complete = true, tenant = 't1'): ErpRequest[] => [
    req(from, session, '/v1/users', true, tenant),
    req((from + to) / 2, session, '/v1/workhours', false, tenant),
    ...(complete ? [req(to, session, SYNC_END_PATH, true, tenant)] : []),
  ];

  it('counts a sync cut short and its retry as two executions, one complete, no double', () => {
    const figures = countExecutions([...sync('a', 0, 100, false), ...sync('b', 200, 300)]);
    expect(figures).toEqual({ sync_executions: 2, sync_executions_complete: 1, deliver_executions: 0, double_executions: 0 });
  });

  it('does not call a full re-read after a dead execution a double: they never overlap', () => {
    expect(countExecutions([...sync('a', 0, 100), ...sync('b', 200, 300)]).double_executions).toBe(0);
  });

  it('fails on two complete reads of one tenant at the same time (a resumed worker beside its successor)', () => {
    const figures = countExecutions([...sync('a', 0, 500), ...sync('b', 200, 300)]);
    expect(figures.double_executions).toBe(1);
    expect(drillFailures({ ...clean, executions: figures })).toEqual(['double execution']);
  });

  it('keeps tenants apart and tells deliver executions (single-person lookups) from syncs', () => {
    const figures = countExecutions([
      ...sync('a', 0, 500, true, 't1'),
      ...sync('b', 200, 300, true, 't2'),
      req(250, 'c', '/v1/users/{guid}', true, 't1'),
      req(260, 'c', '/v1/users/{guid}', true, 't1'),
      req(10, '', '/v1/token'),
    ]);
    expect(figures).toEqual({ sync_executions: 2, sync_executions_complete: 2, deliver_executions: 1, double_executions: 0 });
  });

  it('fails when a recorded sync success has no complete read at the ERP (the oracle would be blind to doubles)', () => {
    const figures = countExecutions([...sync('a', 0, 100, false), ...sync('b', 200, 300)]);
    expect(drillFailures({ ...clean, executions: figures, syncRunsSucceeded: 1 })).toEqual([]);
    expect(drillFailures({ ...clean, executions: figures, syncRunsSucceeded: 2 })).toEqual(['a sync succeeded without reading through at the ERP']);
  });

  it('does not count a last page that was an error answer as a complete read', () => {
    const failed: ErpRequest = { ...req(500, 'a', SYNC_END_PATH), status: 503, lastPage: false };
    expect(countExecutions([...sync('a', 0, 100, false), failed, ...sync('b', 200, 300)]).double_executions).toBe(0);
  });
});

describe('drill oracle: the workers’ own reports', () => {
  it('fails on a run reported as succeeded twice and ignores lines cut short by a kill', () => {
    const line = (jobId: string, message = 'Job run succeeded') => JSON.stringify({ level: 'info', message, jobId });
    const reports = countRunsReportedTwice([line('r1'), line('r2'), line('r1'), line('r3', 'Job run failed, will retry'), '{"message":"Job run succ', '']);
    expect(reports).toEqual({ runs_reported_succeeded: 2, runs_reported_succeeded_twice: 1 });
    expect(drillFailures({ ...clean, runsReportedTwice: reports.runs_reported_succeeded_twice })).toEqual(['double execution']);
  });

  it('fails when the pipeline did not finish, a worker died by itself or the database is damaged', () => {
    expect(drillFailures({ ...clean, pipelineFinished: false, crashes: 1, integrity: '*** in database main *** Page 3 is never used' })).toEqual([
      'pipeline did not finish',
      'a worker exited by itself',
      'database integrity check failed',
    ]);
  });
});

describe('drill receiving ends', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'drill-verify-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file outbox by To address and tenant header, one message per .eml', async () => {
    const outbox = createFileOutbox({ dir, clock: fixedClock(new Date('2026-11-30T07:00:00.000Z')) });
    const send = (deliveryId: string, tenant: string) =>
      outbox.send({ to: ann.address, subject: 'Week 48', html: '<p>hi</p>', text: 'hi', headers: {}, categories: [], customArgs: { tenant_id: tenant, delivery_id: deliveryId } });
    await send('d1', 't1');
    await send('d2', 't1');
    await send('d3', 't2');
    const messages = await readOutboxMessages(dir);
    expect(countRecipients([ann], messages, [])).toMatchObject({ extra_messages: 1, unexpected_messages: 1 });
    expect(await readOutboxMessages(path.join(dir, 'none'))).toEqual([]);
  });

  it('records a mail/send request as received even when it then resets the connection', async () => {
    const answers = [0.9, 0.01];
    const receiver = await startSendGridReceiver({ resetShare: 0.05, random: () => answers.shift() ?? 0.9 });
    try {
      const body = JSON.stringify({ personalizations: [{ to: [{ email: ann.address }], custom_args: { tenant_id: 't1', delivery_id: 'd1' } }] });
      const post = () => fetch(`${receiver.baseUrl}/v3/mail/send`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      expect((await post()).status).toBe(202);
      await expect(post()).rejects.toThrow();
      expect(receiver.resets()).toBe(1);
      expect(receiver.accepted.map((m) => [m.tenant, m.deliveryId, m.addresses])).toEqual([
        ['t1', 'd1', [ann.address]],
        ['t1', 'd1', [ann.address]],
      ]);
    } finally {
      await receiver.close();
    }
  });
});
