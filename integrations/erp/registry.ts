import { ValidationError } from '../../src/errors';
import type { ErpAdapter } from './adapter';

/** The ERP kinds this installation speaks; the first one is the default for new tenants. */
export interface ErpRegistry {
  readonly defaultKind: string;
  kinds(): string[];
  has(kind: string): boolean;
  /** ValidationError for a kind no adapter is registered for. */
  get(kind: string): ErpAdapter;
}

export function createErpRegistry(adapters: readonly ErpAdapter[]): ErpRegistry {
  const byKind = new Map(adapters.map((a) => [a.kind, a]));
  const first = adapters[0];
  if (!first || byKind.size !== adapters.length) throw new Error('ERP adapters need at least one entry and distinct kinds');
  return {
    defaultKind: first.kind,
    kinds: () => [...byKind.keys()],
    has: (kind) => byKind.has(kind),
    get(kind) {
      const adapter = byKind.get(kind);
      if (!adapter) throw new ValidationError('Unknown ERP kind', [`The ERP kind must be one of: ${[...byKind.keys()].join(', ')}.`]);
      return adapter;
    },
  };
}
