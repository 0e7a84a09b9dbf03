import { ValidationError } from '../errors';
import type { Insight, InsightKind, InsightValuesByKind, Severity } from '../insights/types';
import { createFormatter } from './format';
import { type EmailLanguage, messagesFor } from './i18n';
import { saysSomething } from './relevance';
import {
  anomalySection,
  flexSection,
  missingHoursSection,
  projectSection,
  type Section,
  type SectionContext,
  teamSection,
  utilisationSection,
} from './sections';

export interface InsightEmailInput {
  insights: Insight[];
  /** From the ERP at send time; never stored or logged. */
  firstName: string | null;
  language: EmailLanguage;
  tenantName: string;
  period: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
  timezone: string;
  /** Project display names fetched at send time, by ERP project ID; the ID is shown when missing. */
  projectNames?: Record<string, string>;
  /** The tenant's ERP web address (a tenant setting): where the employee records the missing hours. */
  erpWebUrl?: string | null;
}

/** Everything the templates show, already translated and formatted. Templates only lay it out. */
export interface EmailView {
  lang: EmailLanguage;
  subject: string;
  preheader: string;
  heading: string;
  range: string | null;
  greeting: string;
  intro: string;
  tenantName: string;
  sections: Section[];
  footer: { why: string; privacy: string; preferences: string; unsubscribe: string };
  preferencesUrl: string;
  unsubscribeUrl: string;
}

type Of<K extends InsightKind> = { values: InsightValuesByKind[K]; severity: Severity; subjectId: string | null };

function ofKind<K extends InsightKind>(insights: Insight[], kind: K): Of<K>[] {
  return insights.filter((i) => i.kind === kind) as unknown as Of<K>[];
}

export function buildEmailView(input: InsightEmailInput): EmailView {
  const recipients = new Set(input.insights.map((i) => i.recipientId));
  if (recipients.size > 1) throw new ValidationError('An insight email must hold one recipient’s insights only');
  for (const url of [input.preferencesUrl, input.unsubscribeUrl]) {
    if (!/^https?:\/\//.test(url)) throw new ValidationError('Email links must be http(s) URLs');
  }
  if (input.erpWebUrl && !/^https:\/\//.test(input.erpWebUrl)) throw new ValidationError('The ERP web address must be an https URL');

  const m = messagesFor(input.language);
  const f = createFormatter(m, input.timezone);
  const period = f.period(input.period);
  const ctx: SectionContext = { m, f, period };
  const insights = input.insights.filter(saysSomething);

  const missing = ofKind(insights, 'missing-hours')[0];
  const utilisation = ofKind(insights, 'utilisation')[0];
  const flex = ofKind(insights, 'flex-balance')[0];
  const anomalies = ofKind(insights, 'anomaly');
  const projects = ofKind(insights, 'project-burn');
  const team = ofKind(insights, 'team-view')[0];

  const sections: Section[] = [];
  if (missing) sections.push(missingHoursSection(ctx, missing.values, missing.severity, input.erpWebUrl ?? null));
  if (utilisation) sections.push(utilisationSection(ctx, utilisation.values, utilisation.severity));
  if (flex) sections.push(flexSection(ctx, flex.values, flex.severity));
  if (anomalies.length > 0) sections.push(anomalySection(ctx, anomalies.map((a) => a.values)));
  if (projects.length > 0) {
    sections.push(
      projectSection(
        ctx,
        projects.map((p) => ({
          name: (p.subjectId && input.projectNames?.[p.subjectId]) || m.projects.name(p.subjectId ?? '?'),
          values: p.values,
          severity: p.severity,
        })),
      ),
    );
  }
  if (team) sections.push(teamSection(ctx, team.values, team.severity));

  const p = period.label;
  let subject: string;
  if (missing && missing.values.missingMinutes > 0) subject = m.subject.missing(p, f.hours(missing.values.missingMinutes));
  else if (utilisation) subject = m.subject.utilisation(p, f.percent(utilisation.values.lastWeek));
  else if (flex) subject = m.subject.flex(p, f.signedHours(flex.values.balanceMinutes));
  else if (anomalies.length > 0) subject = m.subject.anomalies(p, new Set(anomalies.map((a) => a.values.date)).size);
  else if (projects.length > 0) subject = m.subject.projects(p);
  else if (team) subject = m.subject.team(p);
  else subject = m.subject.generic(p);

  return {
    lang: input.language,
    subject,
    preheader: sections.find((s) => s.lead)?.lead ?? m.intro,
    heading: p,
    range: period.range,
    greeting: m.greeting(input.firstName?.trim() || null),
    intro: m.intro,
    tenantName: input.tenantName,
    sections,
    footer: {
      why: m.footer.why(input.tenantName),
      privacy: m.footer.privacy,
      preferences: m.footer.preferences,
      unsubscribe: m.footer.unsubscribe,
    },
    preferencesUrl: input.preferencesUrl,
    unsubscribeUrl: input.unsubscribeUrl,
  };
}
