/**
 * README's Prometheus scrape config and alert rules, checked by Prometheus' own promtool: syntax, and
 * each alert fired on made-up series (and not fired on healthy ones) with `promtool test rules`.
 * CI installs promtool (.ci/run); where it is missing these tests fail rather than pass unchecked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const yamlBlock = (firstLine: string): string => {
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.startsWith(firstLine));
  if (!block) throw new Error(`README has no yaml block starting "${firstLine}"`);
  return block;
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'readme-monitoring-'));
  writeFileSync(path.join(dir, 'prometheus.yml'), yamlBlock('# prometheus.yml'));
  writeFileSync(path.join(dir, 'erp-insights-alerts.yml'), yamlBlock('# erp-insights-alerts.yml'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(...args: string[]): { error?: string; status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
  return { error: r.error?.message, status: r.status, output: `${r.stdout}${r.stderr}` };
}

const alertTests = `
rule_files: [erp-insights-alerts.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'erp_insights_job_last_success_timestamp_seconds{job="sync",tenant="t-late"}'
        values: '0x1800'
      - series: 'erp_insights_job_last_success_timestamp_seconds{job="sync",tenant="t-fresh"}'
        values: '90000x1800'
      - series: 'erp_insights_job_run_duration_seconds_count{job="deliver",outcome="dead"}'
        values: '0 0 0 1 1 1 1 1 1 1 1 1'
      - series: 'erp_insights_job_run_duration_seconds_count{job="sync",outcome="succeeded"}'
        values: '0+1x120'
      - series: 'erp_insights_email_send_duration_seconds_count{outcome="sent"}'
        values: '0+10x120'
      - series: 'erp_insights_email_send_duration_seconds_count{outcome="retryable"}'
        values: '0+5x120'
      - series: 'erp_insights_erp_request_duration_seconds_bucket{resource="/v1/workhours",status="200",le="10"}'
        values: '0+1x120'
      - series: 'erp_insights_erp_request_duration_seconds_bucket{resource="/v1/workhours",status="200",le="30"}'
        values: '0+10x120'
      - series: 'erp_insights_erp_request_duration_seconds_bucket{resource="/v1/workhours",status="200",le="+Inf"}'
        values: '0+10x120'
      - series: 'erp_insights_erp_request_duration_seconds_bucket{resource="/v1/users",status="200",le="10"}'
        values: '0+10x120'
      - series: 'erp_insights_erp_request_duration_seconds_bucket{resource="/v1/users",status="200",le="+Inf"}'
        values: '0+10x120'
    alert_rule_test:
      - eval_time: 27h
        alertname: ErpInsightsSyncLate
        exp_alerts:
          - exp_labels: { severity: ticket, tenant: t-late }
            exp_annotations: { summary: 'No successful sync for tenant t-late for over 26 hours' }
      - eval_time: 10m
        alertname: ErpInsightsJobRunsDead
        exp_alerts:
          - exp_labels: { severity: page, job: deliver }
            exp_annotations: { summary: 'A deliver run died after all its attempts in the last hour' }
      - eval_time: 50m
        alertname: ErpInsightsEmailSendsFailing
        exp_alerts:
          - exp_labels: { severity: page }
            exp_annotations: { summary: 'Over 10 % of hand-overs to the email provider are failing' }
      - eval_time: 50m
        alertname: ErpInsightsErpSlow
        exp_alerts:
          - exp_labels: { severity: ticket, resource: /v1/workhours }
            exp_annotations: { summary: 'ERP requests to /v1/workhours take over 10 s at the 95th percentile' }
`;

describe('README monitoring examples', () => {
  it('the scrape config is valid Prometheus configuration', () => {
    expect(promtool('check', 'config', '--syntax-only', 'prometheus.yml')).toMatchObject({ error: undefined, status: 0 });
  });

  it('the alert rules are valid', () => {
    const checked = promtool('check', 'rules', 'erp-insights-alerts.yml');
    expect(checked).toMatchObject({ error: undefined, status: 0 });
    expect(checked.output).toContain('SUCCESS: 4 rules found');
  });

  it('each alert fires on the trouble it names and stays quiet for healthy series', () => {
    writeFileSync(path.join(dir, 'alerts.test.yml'), alertTests);
    const tested = promtool('test', 'rules', 'alerts.test.yml');
    expect(tested).toEqual({ error: undefined, status: 0, output: expect.stringContaining('SUCCESS') as unknown as string });
  });
});
