import { describe, expect, it } from 'vitest';
import { formatBytes, formatSeconds, parseDuration, parseFrequency, parseSize } from '../../src/spec/index.js';

describe('parseSize', () => {
  it.each([
    [262144, 262144], ['262144', 262144], ['256KB', 262144], ['256 KiB', 262144], ['256k', 262144], ['256kB', 262144],
    ['1MiB', 1048576], ['1MB', 1048576], ['1.5MB', 1572864], ['2 M', 2097152], ['1GiB', 1024 ** 3], ['900B', 900], ['0', 0],
  ])('%j → %d bytes', (v, bytes) => expect(parseSize(v)).toBe(bytes));

  it.each([['abc'], ['256 KBs'], ['-1'], [-1], [1.5], ['1e3'], [''], [null], [true], ['12 bytes']])('rejects %j', (v) => {
    expect(parseSize(v)).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it.each([
    ['50ms', 'ms', 50], [50, 'ms', 50], ['50', 'ms', 50], ['0.2s', 'ms', 200], ['250us', 'ms', 0.25],
    ['20m', 's', 1_200_000], ['1h30m', 's', 5_400_000], ['1h 30m', 's', 5_400_000], ['90s', 's', 90_000], ['2min', 's', 120_000],
    ['1m30s', 's', 90_000], [3600, 's', 3_600_000], ['3600', 's', 3_600_000], ['1.5h', 's', 5_400_000],
  ] as const)('%j (bare %s) → %d ms', (v, unit, ms) => expect(parseDuration(v, unit)).toBeCloseTo(ms, 9));

  it.each([['abc'], ['20x'], ['m'], ['1h30'], [0], ['0s'], [-5], [''], ['1h-30m'], [{}]])('rejects %j', (v) => {
    expect(parseDuration(v, 's')).toBeUndefined();
  });
});

describe('parseFrequency', () => {
  it.each([[64000000, 64e6], ['64MHz', 64e6], ['480 MHz', 480e6], ['32.768kHz', 32768], ['12000000', 12e6], ['1GHz', 1e9]])('%j → %d Hz', (v, hz) => {
    expect(parseFrequency(v)).toBe(hz);
  });
  it.each([['fast'], [0], ['64 MB'], [1.5]])('rejects %j', (v) => expect(parseFrequency(v)).toBeUndefined());
});

describe('formatting', () => {
  it('formats bytes in binary units', () => {
    expect([formatBytes(262144), formatBytes(1048576), formatBytes(1572864), formatBytes(900), formatBytes(52224)]).toEqual(['256 KiB', '1 MiB', '1.5 MiB', '900 B', '51 KiB']);
  });
  it('formats seconds compactly', () => {
    expect([formatSeconds(5400), formatSeconds(1200), formatSeconds(45), formatSeconds(3605), formatSeconds(0)]).toEqual(['1h30m', '20m', '45s', '1h0m5s', '0s']);
  });
});
