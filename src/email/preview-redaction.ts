import type { Insight } from '../insights/types';

/**
 * What an admin's preview of someone's email may show: everything but project money, which only the
 * project's manager sees, in their own email.
 */
export function forPreview(insights: readonly Insight[]): Insight[] {
  return insights.map((i) => {
    if (i.kind !== 'project-burn' || !i.values.margin) return i;
    const { margin: _margin, ...values } = i.values;
    return { ...i, values };
  });
}
