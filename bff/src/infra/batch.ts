/**
 * Calls made in the same turn of the event loop, run together (the DataLoader pattern): at a
 * launch's open hundreds of requests reach the same Redis step in one turn, and one MGET or one
 * script call costs the process far less than hundreds (ioredis spends ~40 µs of CPU per command).
 * `run` gets the inputs in call order and returns one output per input; if it throws, every caller
 * of that batch gets the error. At most `max` inputs per run.
 */
export function tickBatcher<I, O>(run: (inputs: I[]) => Promise<O[]>, max = 256): (input: I) => Promise<O> {
  let queue: { input: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] = [];
  const flush = () => {
    const all = queue;
    queue = [];
    for (let i = 0; i < all.length; i += max) {
      const part = all.slice(i, i + max);
      run(part.map((p) => p.input)).then(
        (outs) => part.forEach((p, j) => p.resolve(outs[j])),
        (err) => part.forEach((p) => p.reject(err)),
      );
    }
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ input, resolve, reject });
    });
}
