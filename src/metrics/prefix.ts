/** Every metric this service exports starts with this, so its series never collide with another job's. */
export const METRIC_PREFIX = 'erp_insights_';
