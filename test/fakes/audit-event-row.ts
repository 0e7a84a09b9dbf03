/** A minimal audit_events row: the tests that need rows in a real SQLite file write these. */
export const auditEventRow = (id: string, detailsJson: string | null = null) => ({
  id,
  at: '2026-11-26T00:00:00.000Z',
  actor_type: 'system',
  actor_id: null,
  tenant_id: 't',
  action: 'test',
  object_type: null,
  object_id: null,
  ip: null,
  request_id: null,
  details_json: detailsJson,
});
