/**
 * Resolves after ms without keeping the process alive: a bounded wait in shutdown code must never
 * delay exit by its full length once what it waited for has happened (Bun.sleep cannot be unref'd).
 */
export function unrefSleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    (t as { unref?: () => void }).unref?.();
  });
}
