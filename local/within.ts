/**
 * Waits for `event`, but at most `ms`; resolves true if it came in time. The timer is
 * cleared either way, so a bound does not keep the process alive.
 */
export async function within(event: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([event.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
