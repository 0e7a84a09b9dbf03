/**
 * Column store for work hours: one typed array per field instead of one object per row, so a
 * 1000-person, 24-month company (~0.7 M rows) stays at a few tens of MB.
 */

const BILLABLE = 1;
const PRODUCTIVE = 2;
const DELETED = 4;

export interface WorkHourRow {
  userIndex: number;
  day: number;
  /** Hours × 100 (exact for quarter hours). */
  centiHours: number;
  projectIndex: number;
  isBillable: boolean;
  isProductive: boolean;
  /** Epoch seconds. */
  updatedAt: number;
}

export class WorkHourStore {
  private size = 0;
  private changes = 0;
  private user = new Uint32Array(0);
  private dayOf = new Uint16Array(0);
  private quantity = new Uint16Array(0);
  private project = new Uint16Array(0);
  private flags = new Uint8Array(0);
  private updated = new Uint32Array(0);
  private readonly deletedAt = new Map<number, number>();

  constructor(initialCapacity = 1024) {
    this.resize(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.size;
  }

  /** Grows on every change, so derived tables (flextime balances) know when to rebuild. */
  get version(): number {
    return this.changes;
  }

  get deletedCount(): number {
    return this.deletedAt.size;
  }

  push(row: WorkHourRow): number {
    if (this.size === this.user.length) this.resize(this.user.length * 2);
    const i = this.size;
    this.size += 1;
    this.changes += 1;
    this.write(i, row);
    this.flags[i] = (row.isBillable ? BILLABLE : 0) | (row.isProductive ? PRODUCTIVE : 0);
    return i;
  }

  update(i: number, row: WorkHourRow): void {
    this.changes += 1;
    this.write(i, row);
    this.flags[i] = (row.isBillable ? BILLABLE : 0) | (row.isProductive ? PRODUCTIVE : 0) | ((this.flags[i] ?? 0) & DELETED);
  }

  get(i: number): WorkHourRow {
    const flags = this.flags[i] ?? 0;
    return {
      userIndex: this.user[i] ?? 0,
      day: this.dayOf[i] ?? 0,
      centiHours: this.quantity[i] ?? 0,
      projectIndex: this.project[i] ?? 0,
      isBillable: (flags & BILLABLE) !== 0,
      isProductive: (flags & PRODUCTIVE) !== 0,
      updatedAt: this.updated[i] ?? 0,
    };
  }

  /** Field reads without allocating a row object, for filter scans over the whole store. */
  dayAt(i: number): number {
    return this.dayOf[i] ?? 0;
  }

  userAt(i: number): number {
    return this.user[i] ?? 0;
  }

  updatedAtOf(i: number): number {
    return this.updated[i] ?? 0;
  }

  isDeleted(i: number): boolean {
    return ((this.flags[i] ?? 0) & DELETED) !== 0;
  }

  markDeleted(i: number, atSeconds: number): void {
    this.changes += 1;
    this.flags[i] = (this.flags[i] ?? 0) | DELETED;
    this.deletedAt.set(i, atSeconds);
  }

  /** Deleted rows in deletion order (Map keeps insertion order), for /v1/deletedworkhours. */
  deletions(): Array<{ index: number; deletedAt: number }> {
    return [...this.deletedAt].map(([index, deletedAt]) => ({ index, deletedAt }));
  }

  /** Releases spare capacity once generation is done. */
  trim(): void {
    this.resize(Math.max(16, this.size));
  }

  private write(i: number, row: WorkHourRow): void {
    this.user[i] = row.userIndex;
    this.dayOf[i] = row.day;
    this.quantity[i] = row.centiHours;
    this.project[i] = row.projectIndex;
    this.updated[i] = row.updatedAt;
  }

  private resize(capacity: number): void {
    const copy = <T extends Uint8Array | Uint16Array | Uint32Array>(from: T, to: T): T => {
      to.set(from.subarray(0, Math.min(this.size, capacity)));
      return to;
    };
    this.user = copy(this.user, new Uint32Array(capacity));
    this.dayOf = copy(this.dayOf, new Uint16Array(capacity));
    this.quantity = copy(this.quantity, new Uint16Array(capacity));
    this.project = copy(this.project, new Uint16Array(capacity));
    this.flags = copy(this.flags, new Uint8Array(capacity));
    this.updated = copy(this.updated, new Uint32Array(capacity));
  }
}
