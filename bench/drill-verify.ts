/**
 * The drill's oracle: pure counts over what reached the outside world (messages at the receiving end,
 * requests at the ERP, the workers' own reports) against what the simulator's ground truth expects.
 * Nothing here reads our tables' idea of what happened, except what staff are shown.
 */

/** A person the ground truth says must get this period's digest, by the address the ERP serves. */
export interface ExpectedRecipient {
  tenant: string;
  personId: string;
  address: string;
}

/** One message as the receiving end saw it (a captured SendGrid request, a parsed .eml). */
export interface ReceivedMessage {
  tenant: string;
  address: string;
}

/** A delivery staff are shown as 'unknown': reported, so not silently lost. */
export interface VisibleUnknown {
  tenant: string;
  personId: string;
}

export interface RecipientFigures {
  expected_recipients: number;
  /** Expected recipients with exactly one message. */
  emailed_once: number;
  /** Expected recipients (by address) with more messages than people at that address. */
  duplicated_recipients: number;
  /** Messages beyond the first per expected recipient. */
  extra_messages: number;
  /** Never emailed, but staff see the delivery as unknown. */
  unknown_reported: number;
  /** Never emailed and never reported. */
  lost: number;
  /** Messages to an address the ground truth expects nothing for. */
  unexpected_messages: number;
  messages_received: number;
  messages_per_recipient_min: number | null;
  messages_per_recipient_max: number | null;
}

const keyOf = (tenant: string, address: string) => `${tenant}|${address.trim().toLowerCase()}`;

/** Messages per expected recipient; people sharing an address share its messages. */
export function countRecipients(expected: ExpectedRecipient[], received: ReceivedMessage[], visibleUnknown: VisibleUnknown[]): RecipientFigures {
  const people = new Map<string, ExpectedRecipient[]>();
  for (const r of expected) people.set(keyOf(r.tenant, r.address), [...(people.get(keyOf(r.tenant, r.address)) ?? []), r]);
  const messages = new Map<string, number>();
  for (const m of received) messages.set(keyOf(m.tenant, m.address), (messages.get(keyOf(m.tenant, m.address)) ?? 0) + 1);
  const unknown = new Set(visibleUnknown.map((u) => `${u.tenant}|${u.personId}`));

  const figures: RecipientFigures = {
    expected_recipients: expected.length,
    emailed_once: 0,
    duplicated_recipients: 0,
    extra_messages: 0,
    unknown_reported: 0,
    lost: 0,
    unexpected_messages: 0,
    messages_received: received.length,
    messages_per_recipient_min: null,
    messages_per_recipient_max: null,
  };
  const perPerson: number[] = [];
  for (const [key, group] of people) {
    const n = messages.get(key) ?? 0;
    const counts = group.map((_, i) => Math.floor(n / group.length) + (i < n % group.length ? 1 : 0));
    const missing = counts.filter((c) => c === 0).length;
    const reported = Math.min(missing, group.filter((p) => unknown.has(`${p.tenant}|${p.personId}`)).length);
    figures.unknown_reported += reported;
    figures.lost += missing - reported;
    figures.extra_messages += Math.max(0, n - group.length);
    perPerson.push(...counts);
  }
  figures.emailed_once = perPerson.filter((c) => c === 1).length;
  figures.duplicated_recipients = perPerson.filter((c) => c > 1).length;
  for (const [key, n] of messages) if (!people.has(key)) figures.unexpected_messages += n;
  if (perPerson.length > 0) {
    figures.messages_per_recipient_min = Math.min(...perPerson);
    figures.messages_per_recipient_max = Math.max(...perPerson);
  }
  return figures;
}

/**
 * One request as the ERP saw it. `session` tells apart the access tokens: every job execution builds
 * its own ERP client, so one token is one execution as far as the ERP can tell.
 */
export interface ErpRequest {
  at: number;
  tenant: string;
  session: string;
  /** Path template below the API base, e.g. /v1/projects or /v1/users/{guid}. */
  path: string;
  status: number;
  /** A 200 without a NextPageToken: the last page of its list. */
  lastPage: boolean;
}

export interface ExecutionFigures {
  /** Sessions that read ERP lists (a sync execution, finished or not). */
  sync_executions: number;
  /** Sync executions that read through to the last page of the last list a sync reads. */
  sync_executions_complete: number;
  /** Sessions that only looked up single people (a deliver execution). */
  deliver_executions: number;
  /** Pairs of complete sync executions of one tenant whose request spans overlap: the same work done twice at once. */
  double_executions: number;
}

/** The last list a sync reads; an execution that got its last page read everything before it. */
export const SYNC_END_PATH = '/v1/phases';
const LOOKUP_PATH = '/v1/users/{guid}';

interface Session {
  tenant: string;
  first: number;
  last: number;
  lookupsOnly: boolean;
  complete: boolean;
}

/**
 * Executions per tenant from the ERP's request log. A sync retried after its process died reads
 * everything again, but after the dead one's last request: only overlapping complete reads are a
 * run executed twice (a paused worker resuming beside the one that took its lease over).
 */
export function countExecutions(requests: ErpRequest[]): ExecutionFigures {
  const sessions = new Map<string, Session>();
  for (const r of requests) {
    if (!r.session) continue;
    const id = `${r.tenant}|${r.session}`;
    const s = sessions.get(id) ?? { tenant: r.tenant, first: r.at, last: r.at, lookupsOnly: true, complete: false };
    s.first = Math.min(s.first, r.at);
    s.last = Math.max(s.last, r.at);
    if (r.path !== LOOKUP_PATH) s.lookupsOnly = false;
    if (r.path === SYNC_END_PATH && r.lastPage) s.complete = true;
    sessions.set(id, s);
  }
  const all = [...sessions.values()];
  const syncs = all.filter((s) => !s.lookupsOnly);
  const complete = syncs.filter((s) => s.complete);
  let doubles = 0;
  for (let i = 0; i < complete.length; i += 1) {
    for (let j = i + 1; j < complete.length; j += 1) {
      const a = complete[i] as Session;
      const b = complete[j] as Session;
      if (a.tenant === b.tenant && a.first <= b.last && b.first <= a.last) doubles += 1;
    }
  }
  return {
    sync_executions: syncs.length,
    sync_executions_complete: complete.length,
    deliver_executions: all.length - syncs.length,
    double_executions: doubles,
  };
}

/** Runs a worker reported as succeeded more than once, from the workers' JSON log lines. */
export function countRunsReportedTwice(logLines: string[]): { runs_reported_succeeded: number; runs_reported_succeeded_twice: number } {
  const reports = new Map<string, number>();
  for (const line of logLines) {
    let entry: { message?: unknown; jobId?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // a line cut short by a kill, or not a log line
    }
    if (entry.message !== 'Job run succeeded' || typeof entry.jobId !== 'string') continue;
    reports.set(entry.jobId, (reports.get(entry.jobId) ?? 0) + 1);
  }
  return { runs_reported_succeeded: reports.size, runs_reported_succeeded_twice: [...reports.values()].filter((n) => n > 1).length };
}

export interface DrillOutcome {
  recipients: RecipientFigures;
  executions: ExecutionFigures;
  runsReportedTwice: number;
  /** Sync runs recorded as succeeded: each must have read through at the ERP, or the oracle is blind. */
  syncRunsSucceeded: number;
  /** Every enqueued run reached a final state in time. */
  pipelineFinished: boolean;
  /** Worker processes that exited without being told to. */
  crashes: number;
  integrity: string;
}

/** Why the drill fails; empty when it passes. */
export function drillFailures(o: DrillOutcome): string[] {
  const failures: string[] = [];
  if (o.recipients.expected_recipients === 0) failures.push('no expected recipients');
  if (o.recipients.extra_messages > 0) failures.push('duplicate messages');
  if (o.recipients.lost > 0) failures.push('recipients never emailed and never reported');
  if (o.executions.double_executions > 0 || o.runsReportedTwice > 0) failures.push('double execution');
  if (o.executions.sync_executions_complete < o.syncRunsSucceeded) failures.push('a sync succeeded without reading through at the ERP');
  if (!o.pipelineFinished) failures.push('pipeline did not finish');
  if (o.crashes > 0) failures.push('a worker exited by itself');
  if (o.integrity !== 'ok') failures.push('database integrity check failed');
  return failures;
}
