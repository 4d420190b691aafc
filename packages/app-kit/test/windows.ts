/**
 * Waits, when needed, until a test of `neededMs` fits inside one fixed rate-limit window of `windowSeconds`: the
 * limiter's windows are clock-aligned, and a burst that straddles a boundary is counted in two windows (so would
 * see up to twice the limit allowed). Makes the burst tests' exact counts hold at any time of day.
 */
export async function insideOneWindow(windowSeconds: number, neededMs = 10_000): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
