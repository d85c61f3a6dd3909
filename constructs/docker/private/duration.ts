/**
 * Durations as the docker provider reads them back from the engine, so that what we write equals
 * what it reads (otherwise every plan shows a change): containers use Go's `Duration.String()`
 * (`60s` comes back as `1m0s`), services the provider's `shortDur` (`1m`).
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

/**
 * Whole seconds as the provider's `shortDur` prints a service's durations: Go's form without a
 * trailing zero unit: 60 → `1m`, 90 → `1m30s`, 3600 → `1h`, 3601 → `1h0m1s`.
 */
export function goShortDuration(seconds: number): string {
  let s = goDuration(seconds);
  if (s.endsWith('m0s')) s = s.slice(0, -2);
  if (s.endsWith('h0m')) s = s.slice(0, -2);
  return s;
}
