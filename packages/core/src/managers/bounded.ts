/**
 * Waits for `work` at most `seconds`; after that rejects with what
 * `timedOut()` makes. The work itself is not cancelled (a promise cannot be):
 * its late result or rejection is swallowed so it never becomes unhandled.
 * A limit of 0 means no limit.
 */
export function bounded<T>(work: Promise<T>, seconds: number, timedOut: () => Error): Promise<T> {
  if (!(seconds > 0)) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      work.catch(() => {});
      reject(timedOut());
    }, seconds * 1000);
    timer.unref?.();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
