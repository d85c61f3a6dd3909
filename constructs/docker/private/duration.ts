/**
 * Durations as Go prints them (`time.Duration.String()`): the docker provider reads durations back
 * from the engine in that form, so `60s` would come back as `1m0s` and show as a change on every
 * plan. Writing the canonical form makes what we write equal what the provider reads.
 */

/** Whole seconds as Go's canonical duration: 5 → `5s`, 60 → `1m0s`, 90 → `1m30s`, 3600 → `1h0m0s`. */
export function goDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`goDuration: ${seconds} is not a whole number of seconds`);
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
