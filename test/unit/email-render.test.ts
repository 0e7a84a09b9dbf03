import { ValidationError } from '../../src/errors';
import { renderInsightEmail, type InsightEmailInput } from '../../src/email/render';
import { sampleInsights } from '../../src/email/sample';
import { forPreview } from '../../src/email/preview-redaction';
import { barSegments } from '../../src/email/sections';
import type { Insight } from '../../src/insights/types';

const NBSP = '\u00a0';
const PERIOD = '2026-W47';
const ids = { tenantId: 'tenant-1', recipientId: 'person-7', period: PERIOD };

function input(overrides: Partial<InsightEmailInput> = {}): InsightEmailInput {
  return {
    insights: sampleInsights(ids),
    firstName: 'Aino',
    language: 'fi',
    tenantName: 'Acme Oy',
    period: PERIOD,
    preferencesUrl: 'https://insights.example/p/pref-token',
    unsubscribeUrl: 'https://insights.example/u/unsub-token',
    timezone: 'Europe/Helsinki',
    erpWebUrl: 'https://erp.example/hours',
    ...overrides,
  };
}

function only(kind: Insight['kind']): Insight[] {
  return sampleInsights(ids).filter((i) => i.kind === kind);
}

describe('renderInsightEmail', () => {
  it.each(['fi', 'sv', 'en'] as const)('renders %s consistently (snapshot)', (language) => {
    const email = renderInsightEmail(input({ language }));
    expect(email.subject).toMatchSnapshot('subject');
    expect(email.text).toMatchSnapshot('text');
    expect(email.html).toMatchSnapshot('html');
  });

  it.each([
    ['fi', 'Päivät ilman kirjauksia: pe 20.11.', 'Kirjaa puuttuvat tunnit'],
    ['sv', 'Dagar utan registreringar: fre 20.11.', 'Registrera de saknade timmarna'],
    ['en', 'Days without entries: Fri 20 Nov', 'Record the missing hours'],
  ] as const)('names the missing days with weekday and date in %s and links to the ERP where they are recorded', (language, days, link) => {
    const { html, text } = renderInsightEmail(input({ language }));
    expect(text).toContain(days);
    expect(text).toContain(`${link}: https://erp.example/hours`);
    expect(html).toContain(`<a href="https://erp.example/hours" style="color:#1d3b5a;font-weight:bold;text-decoration:underline;">${link}</a>`);
  });

  it('shows no ERP link when the tenant has set no address, or when no hours are missing', () => {
    expect(renderInsightEmail(input({ language: 'en', erpWebUrl: null })).text).not.toContain('Record the missing hours');
    const complete = sampleInsights(ids).map((i) =>
      i.kind === 'missing-hours' ? { ...i, values: { ...i.values, missingMinutes: 0, recordedMinutes: 2250, missingDays: [] } } : i,
    );
    expect(renderInsightEmail(input({ language: 'en', insights: complete })).text).not.toContain('Record the missing hours');
  });

  it('leaves out the utilisation section for someone with no billable work in the window', () => {
    const idle = sampleInsights(ids).map((i) =>
      i.kind === 'utilisation' ? { ...i, values: { ...i.values, lastWeek: 0, monthToDate: 0, forecastRestOfMonth: 0, forecastNext4Weeks: 0, intervalLow: 0, intervalHigh: 0, history: [0, 0, 0, 0, 0, 0] } } : i,
    );
    const { html, text } = renderInsightEmail(input({ language: 'en', insights: idle.filter((i) => i.kind !== 'missing-hours') }));
    for (const part of [html, text]) {
      expect(part).not.toContain('Utilisation');
      expect(part).not.toContain('0%–0%');
    }
    expect(text.toLowerCase()).toContain('flex balance');
    // One week of billable work in the window is something to say.
    const once = idle.map((i) => (i.kind === 'utilisation' ? { ...i, values: { ...i.values, history: [0, 0, 0.4, 0, 0, 0] } } : i));
    expect(renderInsightEmail(input({ language: 'en', insights: once })).text).toContain('Utilisation');
  });

  it('leaves out the missing-hours section for a week with nothing expected and nothing recorded', () => {
    const away = sampleInsights(ids).map((i) =>
      i.kind === 'missing-hours' ? { ...i, values: { ...i.values, expectedMinutes: 0, recordedMinutes: 0, missingMinutes: 0, missingDays: [] } } : i,
    );
    const { subject, text } = renderInsightEmail(input({ language: 'en', insights: away }));
    expect(text).not.toContain('All expected hours are recorded');
    expect(subject).toBe('Week 47: utilisation 72%');
  });

  it('formats the key numbers in Finnish', () => {
    const { subject, html, text } = renderInsightEmail(input({ language: 'fi' }));
    expect(subject).toBe(`Viikko 47: 7,5${NBSP}h kirjaamatta`);
    for (const part of [html, text]) {
      expect(part).toContain(`37,5${NBSP}h`);
      expect(part).toContain(`72${NBSP}%`);
      expect(part).toContain(`+12,5${NBSP}h`);
      expect(part).toContain('16.–22.11.2026');
      expect(part).toContain('pe 20.11.');
      expect(part.toLowerCase()).toContain('tarkistathan nämä päivät');
    }
    expect(html).toContain('<html lang="fi">');
  });

  it('formats the key numbers in Swedish', () => {
    const { subject, html, text } = renderInsightEmail(input({ language: 'sv' }));
    expect(subject).toBe(`Vecka 47: 7,5${NBSP}h saknas i tidrapporten`);
    for (const part of [html, text]) {
      expect(part).toContain(`37,5${NBSP}h`);
      expect(part).toContain(`72${NBSP}%`);
      expect(part.toLowerCase()).toContain('kontrollera gärna de här dagarna');
    }
  });

  it('formats the key numbers in English', () => {
    const { subject, html, text } = renderInsightEmail(input({ language: 'en' }));
    expect(subject).toBe(`Week 47: 7.5${NBSP}h not yet recorded`);
    for (const part of [html, text]) {
      expect(part).toContain(`37.5${NBSP}h`);
      expect(part).toContain('72%');
      expect(part).toContain('Fri 20 Nov');
      expect(part.toLowerCase()).toContain('please check these days');
    }
  });

  it('escapes a hostile first name and tenant name in the HTML part', () => {
    const hostile = '<script>alert(1)</script>';
    const { html, text } = renderInsightEmail(input({ firstName: hostile, tenantName: `Evil "Co" <b>` }));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('Hei &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(html).toContain('Evil &quot;Co&quot; &lt;b&gt;');
    expect(text).toContain(`Hei ${hostile},`);
  });

  it('greets without a name when none is known', () => {
    expect(renderInsightEmail(input({ firstName: null, language: 'sv' })).text.startsWith('Hej,\n')).toBe(true);
    expect(renderInsightEmail(input({ firstName: '  ', language: 'en' })).text.startsWith('Hi,\n')).toBe(true);
  });

  it('loads nothing remote and runs no script', () => {
    const { html } = renderInsightEmail(input());
    expect(html).not.toMatch(/<script|<img|<link|<iframe|<object|<embed|@import|url\(|javascript:|\son\w+=/i);
    expect(html).not.toMatch(/\ssrc=/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    // Links only: the tenant's ERP page for the missing hours, then preferences and unsubscribe.
    expect(hrefs).toEqual(['https://erp.example/hours', 'https://insights.example/p/pref-token', 'https://insights.example/u/unsub-token']);
    expect([...html.matchAll(/https?:\/\//g)]).toHaveLength(3);
  });

  it("says whether the flex balance is Severa's own or computed", () => {
    const [flex] = only('flex-balance');
    const fromErp = { ...flex, values: { ...flex?.values, fromErp: 1 } } as Insight;
    expect(renderInsightEmail(input({ language: 'en', insights: [fromErp] })).text).toContain('The balance is the one Severa shows you.');
    expect(renderInsightEmail(input({ language: 'en', insights: only('flex-balance') })).text).toContain('The balance is computed from your hours');
  });

  it('includes sections only for the insights present', () => {
    const { subject, html, text } = renderInsightEmail(input({ language: 'en', insights: only('flex-balance') }));
    expect(subject).toBe(`Week 47: flex balance +12.5${NBSP}h`);
    expect(html).toContain('Flex balance');
    for (const absent of ['unrecorded hours', 'utilisation', 'please check', 'project budgets', 'your team']) {
      expect(html.toLowerCase()).not.toContain(absent);
      expect(text.toLowerCase()).not.toContain(absent);
    }
  });

  it('uses utilisation as the key figure when no hours are missing, and thanks for complete hours', () => {
    const insights = sampleInsights(ids).map((i) =>
      i.kind === 'missing-hours' ? { ...i, values: { ...i.values, missingMinutes: 0, recordedMinutes: 2250, missingDays: [] } } : i,
    );
    const { subject, text } = renderInsightEmail(input({ language: 'en', insights }));
    expect(subject).toBe('Week 47: utilisation 72%');
    expect(text).toContain('All expected hours are recorded. Thank you!');
  });

  it('phrases anomalies as questions, never as findings', () => {
    const { subject, text } = renderInsightEmail(input({ language: 'en', insights: only('anomaly') }));
    expect(subject).toBe('Week 47: please check 1 day');
    expect(text).toContain('They may well be correct');
    expect(text).toContain('Sun 22 Nov: 10');
    expect(text).not.toMatch(/wrong|error|violation|incorrect/i);
  });

  it('shows the team view as aggregates with no absence figures', () => {
    const team: Insight = {
      ...ids,
      kind: 'team-view',
      severity: 'info',
      subjectId: null,
      values: { teamSize: 8, utilisationMean: 0.76, missingDaysTotal: 5, flexBalanceMeanMinutes: 180 },
    };
    const { subject, text } = renderInsightEmail(input({ language: 'en', insights: [team] }));
    expect(subject).toBe('Week 47: your team summary');
    expect(text).toContain('Team size: 8');
    expect(text).toContain('Average utilisation: 76%');
    expect(text).toContain(`Average flex balance: +3${NBSP}h`);
    expect(text).not.toMatch(/absen|sick|leave/i);
  });

  it("shows a project's margin as project totals, its trend and the forecast to the deadline", () => {
    const email = renderInsightEmail(input({ language: 'en', insights: only('project-burn') }));
    expect(email.text).toContain('Margin so far: €8,550 (30%): billable €28,500, cost €19,950.');
    expect(email.text).toContain('Last four weeks: 24% margin (-4 points against the four weeks before).');
    expect(email.text).toContain('the margin is about €11,800 (27%) when the project ends on 31 Jan 2027');
    expect(email.text).not.toContain('Cost is known');
    const fi = renderInsightEmail(input({ language: 'fi', insights: only('project-burn') }));
    expect(fi.text).toMatch(/Kate tähän mennessä: 8\s550\s€ \(30\s%\)/);
  });

  it('names projects when the caller provides names, else by technical ID', () => {
    const insights = only('project-burn');
    expect(renderInsightEmail(input({ language: 'en', insights })).text).toContain('Project P-1042: 330');
    const named = renderInsightEmail(input({ language: 'en', insights, projectNames: { 'P-1042': 'Intranet renewal' } }));
    expect(named.text).toContain('Intranet renewal: 330');
    expect(named.text).toContain('lasts until about 15 Dec 2026, but the project ends on 31 Jan 2027');
  });

  it('labels a month period', () => {
    const { subject, html } = renderInsightEmail(input({ period: '2026-11', insights: only('flex-balance') }));
    expect(subject).toBe(`Marraskuu 2026: liukumasaldo +12,5${NBSP}h`);
    expect(html).toContain('Marraskuu 2026');
  });

  it('refuses insights of more than one recipient, bad periods and bad links', () => {
    const mixed = [...sampleInsights(ids), ...sampleInsights({ ...ids, recipientId: 'someone-else' })];
    expect(() => renderInsightEmail(input({ insights: mixed }))).toThrow(ValidationError);
    expect(() => renderInsightEmail(input({ period: 'last week' }))).toThrow(ValidationError);
    expect(() => renderInsightEmail(input({ unsubscribeUrl: 'javascript:alert(1)' }))).toThrow(ValidationError);
    expect(() => renderInsightEmail(input({ erpWebUrl: 'http://erp.example/hours' }))).toThrow(ValidationError);
    expect(() => renderInsightEmail(input({ timezone: 'Mars/Olympus' }))).toThrow(ValidationError);
  });
});

describe('barSegments', () => {
  it('fills up to the value, marks the target, and always adds up to 100 %', () => {
    expect(barSegments(0.5, 0.8, false)).toEqual([
      { type: 'fill-low', widthPct: 50 },
      { type: 'empty', widthPct: 30 },
      { type: 'marker', widthPct: 1 },
      { type: 'empty', widthPct: 19 },
    ]);
    expect(barSegments(0.9, 0.8, true)).toEqual([
      { type: 'fill', widthPct: 80 },
      { type: 'marker', widthPct: 1 },
      { type: 'fill', widthPct: 9 },
      { type: 'empty', widthPct: 10 },
    ]);
    for (const [v, t] of [[0, 0], [1, 1], [0.333, 0.667], [1.4, 0.2]] as const) {
      expect(barSegments(v, t, v >= t).reduce((sum, s) => sum + s.widthPct, 0)).toBe(100);
    }
  });
});

describe('admin preview', () => {
  it("leaves out project money, which only the project's manager sees", () => {
    const insights = sampleInsights(ids);
    const burn = insights.find((i) => i.kind === 'project-burn');
    expect(burn?.kind === 'project-burn' && burn.values.margin).toBeTruthy();
    const shown = forPreview(insights);
    expect(JSON.stringify(shown)).not.toMatch(/margin|cents/i);
    expect(shown.find((i) => i.kind === 'project-burn')?.values).toMatchObject({ budgetMinutes: 24000, usedMinutes: 19800 });
    expect(shown.filter((i) => i.kind !== 'project-burn')).toEqual(insights.filter((i) => i.kind !== 'project-burn'));
  });
});
