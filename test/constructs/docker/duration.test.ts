import { goDuration, goShortDuration } from '../../../constructs/docker/private/duration';

describe('goDuration', () => {
  test("writes seconds in Go's canonical form, which the docker provider reads back", () => {
    expect([0, 5, 59, 60, 90, 300, 3600, 3661].map(goDuration)).toEqual(['0s', '5s', '59s', '1m0s', '1m30s', '5m0s', '1h0m0s', '1h1m1s']);
  });

  test("writes a service's durations as the provider's shortDur reads them back", () => {
    expect([5, 60, 90, 300, 3600, 3601, 3660].map(goShortDuration)).toEqual(['5s', '1m', '1m30s', '5m', '1h', '1h0m1s', '1h1m']);
  });

  test('refuses fractions and negative values', () => {
    expect(() => goDuration(1.5)).toThrow(/not a whole number of seconds/);
    expect(() => goDuration(-1)).toThrow(/not a whole number of seconds/);
  });
});
