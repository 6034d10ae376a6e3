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

/**
 * Resolves once `store` answers (a new store connects in the background, and misses until then):
 * a probe written and read back. Fails after a few seconds of no answer.
 */
export async function storeAnswers(store: { set(key: string, value: Buffer, ttl: number): Promise<void>; get(key: string): Promise<Buffer | undefined> }): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    await store.set("probe", Buffer.from("1"), 60);
    if (await store.get("probe")) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the cache store never answered");
}

/**
 * Resolves once `condition` holds, checked every few milliseconds; fails with `message` (a string,
 * or what it returns, read at the time) when it still does not after `ms`. For state another
 * process or a background task reaches, never a speed check.
 */
export async function until(condition: () => Promise<boolean>, ms: number, message: string | (() => Promise<string>)): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(typeof message === "string" ? message : await message());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
