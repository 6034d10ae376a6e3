/**
 * Settles with `promise`, or fails with `message` if it has not settled after `ms`. A guard that
 * turns a hang into a readable failure, never a speed check: `ms` is far above any normal wait.
 */
export function settlesWithin<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}
