/**
 * Bar charts drawn on the server as inline SVG: the CSP allows no scripts from elsewhere and no inline
 * styles, so sizes are SVG attributes and colours come from classes in app.css. Each bar carries a
 * <title> with its figures, and the chart a text summary for screen readers.
 */
export interface ChartSeries {
  label: string;
  /** CSS class of the bars (colour). */
  className: string;
  values: number[];
}

export interface BarChart {
  title: string;
  /** What the screen-reader summary calls the tallest day's figure, in the page's language. */
  peakLabel: string;
  /** One label per bar group, e.g. '2026-11-30'. */
  labels: string[];
  /** Stacked bottom-up, in this order. */
  series: ChartSeries[];
}

const WIDTH = 360;
const HEIGHT = 140;
const AXIS = 20;
const TOP = 14;

const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function barChartSvg(chart: BarChart): string {
  const n = chart.labels.length;
  const totals = chart.labels.map((_, i) => chart.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = WIDTH / Math.max(1, n);
  const barWidth = Math.max(1, Math.floor(slot * 0.7));
  const plot = HEIGHT - AXIS - TOP;
  const parts: string[] = [];
  chart.labels.forEach((label, i) => {
    const x = Math.round(i * slot + (slot - barWidth) / 2);
    let y = HEIGHT - AXIS;
    const figures = chart.series.map((s) => `${s.label} ${s.values[i] ?? 0}`).join(', ');
    const rects = chart.series.map((s) => {
      const h = Math.round(((s.values[i] ?? 0) / max) * plot);
      y -= h;
      return h > 0 ? `<rect class="${escapeXml(s.className)}" x="${x}" y="${y}" width="${barWidth}" height="${h}"></rect>` : '';
    });
    parts.push(`<g><title>${escapeXml(`${label}: ${figures}`)}</title>${rects.join('')}</g>`);
    // Every label would overlap on a phone; the first, the last and every seventh are enough.
    if (i === 0 || i === n - 1 || (n - 1 - i) % 7 === 0) {
      // The outermost labels are anchored at their edge so they are not cut off.
      const anchor = i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
      const at = i === 0 ? x : i === n - 1 ? x + barWidth : Math.round(i * slot + slot / 2);
      parts.push(`<text x="${at}" y="${HEIGHT - 5}" text-anchor="${anchor}">${escapeXml(label.slice(5))}</text>`);
    }
  });
  const sums = chart.series.map((s) => `${s.label} ${s.values.reduce((a, b) => a + b, 0)}`).join(', ');
  const summary = `${chart.title}: ${sums}; ${chart.peakLabel} ${max}`;
  return [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(summary)}">`,
    `<text class="max" x="2" y="10">${max}</text>`,
    `<line class="axis" x1="0" y1="${HEIGHT - AXIS}" x2="${WIDTH}" y2="${HEIGHT - AXIS}"></line>`,
    ...parts,
    '</svg>',
  ].join('');
}
