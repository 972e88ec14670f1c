/**
 * A streamed text response body from an async source of chunks: each chunk is pulled when the client is
 * ready for it (backpressure), so an export of any size holds one batch in memory; a client that goes away
 * stops the source. A source that fails mid-way errors the stream (the client sees a cut-off download,
 * never a file that looks complete).
 */
export function textStream(source: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
