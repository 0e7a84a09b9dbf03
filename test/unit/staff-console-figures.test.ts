import { dailyFigures, jobHealth, type RunFact } from '../../src/web/console-health';
import { barChartSvg } from '../../src/web/svg-chart';
import { formatDuration } from '../../src/web/views';

const run = (job: string, state: string, createdAt: string, counters: Record<string, number> = {}): RunFact => ({
  job, tenantId: 't1', state, createdAt, finishedAt: state === 'succeeded' || state === 'dead' ? createdAt : null, counters,
});

describe('job health', () => {
  it('counts failing runs since the last success and takes the next run from the schedule', () => {
    const runs = [
      run('sync', 'dead', '2026-03-04T02:30:00.000Z'),
      run('sync', 'retrying', '2026-03-03T02:30:00.000Z'),
      run('sync', 'succeeded', '2026-03-02T02:30:00.000Z'),
      run('sync', 'dead', '2026-03-01T02:30:00.000Z'),
      run('insights', 'cancelled', '2026-03-04T06:00:00.000Z'),
    ];
    const [sync, insights, deliver] = jobHealth(runs, { sync: '2026-03-05T00:30:00.000Z' });
    expect(sync).toEqual({ job: 'sync', lastSuccessAt: '2026-03-02T02:30:00.000Z', lastState: 'dead', failureStreak: 2, nextRunAt: '2026-03-05T00:30:00.000Z' });
    expect(insights).toEqual({ job: 'insights', lastSuccessAt: null, lastState: 'cancelled', failureStreak: 0, nextRunAt: null });
    expect(deliver).toEqual({ job: 'deliver', lastSuccessAt: null, lastState: null, failureStreak: 0, nextRunAt: null });
  });

  it('a job that never succeeded counts every failure it had', () => {
    expect(jobHealth([run('deliver', 'dead', '2026-03-04T05:00:00.000Z'), run('deliver', 'dead', '2026-03-03T05:00:00.000Z')], {})[2]?.failureStreak).toBe(2);
  });
});

describe('daily figures', () => {
  it('buckets runs and ERP counters by UTC day, with empty days kept and days outside the window ignored', () => {
    const days = dailyFigures(
      [
        run('sync', 'succeeded', '2026-03-04T23:59:00.000Z', { requests: 120, rateLimited: 3 }),
        run('deliver', 'succeeded', '2026-03-04T05:00:00.000Z', { requests: 10 }),
        run('sync', 'dead', '2026-03-02T02:30:00.000Z', { requests: 7, rateLimited: 7 }),
        run('sync', 'queued', '2026-03-02T02:30:00.000Z'),
        run('sync', 'succeeded', '2026-02-20T02:30:00.000Z', { requests: 999 }),
      ],
      new Date('2026-03-04T08:00:00.000Z'),
      3,
    );
    expect(days).toEqual([
      { day: '2026-03-02', succeeded: 0, failed: 1, other: 1, erpRequests: 7, rateLimited: 7 },
      { day: '2026-03-03', succeeded: 0, failed: 0, other: 0, erpRequests: 0, rateLimited: 0 },
      { day: '2026-03-04', succeeded: 2, failed: 0, other: 0, erpRequests: 130, rateLimited: 3 },
    ]);
  });
});

describe('bar chart', () => {
  const svg = barChartSvg({
    title: 'Runs <per> day',
    peakLabel: 'highest day',
    labels: ['2026-03-01', '2026-03-02'],
    series: [
      { label: 'ok', className: 'bar-ok', values: [2, 4] },
      { label: 'bad', className: 'bar-bad', values: [2, 0] },
    ],
  });

  it('stacks the series with heights proportional to the tallest day', () => {
    const heights = [...svg.matchAll(/<rect class="(bar-\w+)" x="\d+" y="(\d+)" width="\d+" height="(\d+)"/g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    // Plot height 106 (140 minus axis and top margin); both days total 4, so each fills it.
    expect(heights).toEqual([['bar-ok', 67, 53], ['bar-bad', 14, 53], ['bar-ok', 14, 106]]);
  });

  it('escapes text, titles every bar with its figures and summarises for screen readers', () => {
    expect(svg).toContain('aria-label="Runs &lt;per&gt; day: ok 6, bad 2; highest day 4"');
    expect(svg).toContain('<title>2026-03-01: ok 2, bad 2</title>');
    expect(svg).not.toContain('style=');
  });
});

test('durations read as an operator would say them', () => {
  expect([850, 12_400, 185_000, 8_040_000, null].map(formatDuration)).toEqual(['850 ms', '12.4 s', '3 min 05 s', '2 h 14 min', '—']);
});
