/**
 * Asks for the next page while the caller is still writing the current one, so network time and
 * database time overlap instead of adding up. Holds at most one page ahead: memory stays bounded.
 */
export async function* prefetchOne<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let pending = it.next();
  for (;;) {
    const current = await pending;
    if (current.done) return;
    pending = it.next();
    // An early failure of the prefetched page must not become an unhandled rejection while we work.
    pending.catch(() => undefined);
    yield current.value;
  }
}
