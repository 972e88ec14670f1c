/**
 * Coalesces calls made in the same turn of the event loop into one call of `run` (one database round
 * trip for many concurrent callers), each caller still getting its own result. A fan-out that tries 60
 * syncs at once asks "what blocks these?" once, not 60 times; answers that arrive together are recorded
 * together.
 *
 * `run` receives the inputs in call order and returns one result per input, in the same order. If it
 * throws, every caller of that batch gets the error. At most `maxSize` inputs go into one call; more
 * start another. Calls on different `scope`s (a database, a transaction) never share a batch.
 */
type Pending<In, Out> = { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void };

export function createBatcher<Scope extends object, In, Out>(
  run: (scope: Scope, inputs: In[]) => Promise<Out[]>,
  options: { maxSize?: number } = {},
): (scope: Scope, input: In) => Promise<Out> {
  const maxSize = options.maxSize ?? 200;
  const queues = new WeakMap<Scope, Pending<In, Out>[]>();

  const flush = (scope: Scope) => {
    const queue = queues.get(scope) ?? [];
    queues.delete(scope);
    for (let start = 0; start < queue.length; start += maxSize) {
      const batch = queue.slice(start, start + maxSize);
      run(
        scope,
        batch.map((p) => p.input),
      ).then(
        (outs) => {
          if (outs.length !== batch.length) {
            const error = new Error(`batch returned ${outs.length} results for ${batch.length} inputs`);
            for (const p of batch) p.reject(error);
            return;
          }
          for (const [i, p] of batch.entries()) p.resolve(outs[i] as Out);
        },
        (error: unknown) => {
          for (const p of batch) p.reject(error);
        },
      );
    }
  };

  return (scope, input) =>
    new Promise<Out>((resolve, reject) => {
      let queue = queues.get(scope);
      if (!queue) {
        queue = [];
        queues.set(scope, queue);
        // After the current macrotask's microtasks: every caller woken by the same I/O event joins.
        setImmediate(() => flush(scope));
      }
      queue.push({ input, resolve, reject });
    });
}
