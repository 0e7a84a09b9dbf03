import type { ErpClient } from '../integrations/erp/erp-client';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Counts what the sync asks of the ERP per client method: pages for the paged lists, calls for the
 * rest, so a benchmark can say which resource its requests went to.
 */
export function countingErp(erp: ErpClient): { erp: ErpClient; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const bump = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  const wrapped = new Proxy(erp, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'stats') return value;
      return (...args: unknown[]) => {
        const result: unknown = Reflect.apply(value, target, args);
        if (!isAsyncIterable(result)) {
          bump(prop);
          return result;
        }
        return (async function* pages() {
          for await (const page of result) {
            bump(prop);
            yield page;
          }
        })();
      };
    },
  });
  return { erp: wrapped, counts };
}
