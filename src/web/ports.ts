/**
 * Narrow interfaces over the parts of the product that other modules own. src/runtime.ts wires the real
 * scheduler, retention, DSR and email services; tests pass hand-written fakes (test/fakes/web-ports.ts).
 */
import type { AuditActor } from '../audit/audit.service';

export interface JobsPort {
  /** Queues a run of `job` ('sync' | 'insights' | 'deliver') for the tenant to start as soon as possible. */
  enqueueNow(job: string, tenantId: string): Promise<{ runId: string }>;
  /** Puts a dead (or cancelled) run back in the queue with a fresh attempt count. */
  retryDead(runId: string): Promise<void>;
  /** Cancels a run that has not started (queued, or waiting to retry); ConflictError otherwise. */
  cancel(runId: string): Promise<void>;
  /** Job name → when its schedule fires next after `after` (ISO), for an active tenant; {} when nothing is scheduled. */
  nextRuns(tenant: { id: string; timezone: string; settings: object }, after: Date): Record<string, string | null>;
}

export interface UpcomingPurge {
  tenantId: string;
  scope: 'tenant' | 'person';
  /** ERP person ID for person purges, null for a whole tenant. */
  subjectId: string | null;
  /** 'YYYY-MM-DD' */
  dueDate: string;
}

export interface RetentionPort {
  upcoming(query: { withinDays: number }): Promise<UpcomingPurge[]>;
}

/** Who made a request and through which HTTP request; the DSR module records it in its one audit event. */
export interface RequestedBy {
  actor: AuditActor;
  ip?: string | null;
  requestId?: string | null;
}

/**
 * Data subject requests, by ERP person ID; implementations throw NotFoundError for unknown people and
 * write the audit event themselves, so the routes do not record a second one.
 */
export interface DsrPort {
  exportPerson(tenantId: string, personId: string, by: RequestedBy): Promise<unknown>;
  erasePerson(tenantId: string, personId: string, by: RequestedBy): Promise<{ purgeId: string; counts: Record<string, number> }>;
  restrict(tenantId: string, personId: string, restricted: boolean, by: RequestedBy): Promise<void>;
}

export interface EmailPreview {
  subject: string;
  html: string;
  text: string;
}

export interface EmailPreviewPort {
  /** Renders what the person would receive next, without sending or recording anything. */
  preview(tenantId: string, personId: string): Promise<EmailPreview>;
}

/** A person the admin may pick: the ERP's technical ID and the name, fetched live and never kept. */
export interface PersonMatch {
  id: string;
  name: string;
}

export interface PeopleSearchPort {
  /** People of the tenant's ERP whose name contains `text`; null when that ERP cannot be searched. */
  search(tenantId: string, text: string): Promise<PersonMatch[] | null>;
}
