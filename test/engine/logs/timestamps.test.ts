import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseLineTimestamp, parseTimestampValue } from '../../../src/engine/logs/timestamps';

const UTC = { defaultZone: 'utc' as const, year: 2024 };
const T = Date.UTC(2024, 4, 20, 14, 2, 3, 0); // 2024-05-20 14:02:03Z

function ms(line: string, ctx = UTC): number | null {
  return parseLineTimestamp(line, ctx)?.ms ?? null;
}

describe('parseLineTimestamp', () => {
  it('reads ISO 8601 / RFC 3339 with and without zones, to the millisecond', () => {
    assert.equal(ms('2024-05-20T14:02:03.123Z INFO start'), T + 123);
    assert.equal(ms('2024-05-20T14:02:03.123+02:00 start'), T + 123 - 2 * 3600_000);
    assert.equal(ms('2024-05-20T14:02:03.123-0700 start'), T + 123 + 7 * 3600_000);
    assert.equal(ms('2024-05-20T14:02:03Z'), T);
    assert.equal(ms('2024-05-20 14:02:03.123456 worker started'), T + 123, 'microseconds are truncated');
    assert.equal(ms('2024-05-20T14:02:03.999999999Z nanos'), T + 999);
    assert.equal(ms('2024-05-20 14:02:03 UTC deploy'), T);
  });

  it('reports whether the text named its zone, and where the timestamp is', () => {
    assert.deepEqual(parseLineTimestamp('2024-05-20T14:02:03.123Z x', UTC), { ms: T + 123, zoned: true, start: 0, end: 24 });
    assert.deepEqual(parseLineTimestamp('[2024-05-20 14:02] job', UTC), { ms: T - 3000, zoned: false, start: 1, end: 17 });
  });

  it('reads Python logging, Go log, syslog and Apache/nginx common log times', () => {
    assert.equal(ms('2024-05-20 14:02:03,123 ERROR sync: boom'), T + 123);
    assert.equal(ms('2024/05/20 14:02:03 [error] 12#0: connect() failed'), T);
    assert.equal(ms('May 20 14:02:03 host cron[312]: job failed'), T);
    assert.equal(ms('May  2 04:05:06 host app: x'), Date.UTC(2024, 4, 2, 4, 5, 6));
    assert.equal(ms('May 20 14:02:03 host', { defaultZone: 'utc', year: 2023 }), Date.UTC(2023, 4, 20, 14, 2, 3));
    assert.equal(ms('127.0.0.1 - - [20/May/2024:14:02:03 +0000] "GET / HTTP/1.1" 500 12'), T);
    assert.equal(ms('10.0.0.1 - - [20/May/2024:16:02:03 +0200] "GET /"'), T);
    assert.equal(ms('[Mon May 20 14:02:03.123456 2024] [core:error] [pid 9] AH00037'), T + 123);
  });

  it('reads epoch seconds and milliseconds at the line start and in fields', () => {
    assert.equal(ms('1716213723 job started'), T);
    assert.equal(ms('1716213723.456 job started'), T + 456);
    assert.equal(ms('1716213723123 job started'), T + 123);
    assert.equal(ms('[1716213723.5] kernel: oom'), T + 500);
    assert.equal(ms('level=error ts=1716213723.123 msg="boom"'), T + 123);
    assert.equal(ms('level=error ts=2024-05-20T14:02:03.123Z msg=boom'), T + 123);
    assert.equal(ms('time="2024-05-20T14:02:03Z" level=error msg="boom"'), T);
    assert.equal(ms('{"level":"error","time":1716213723123,"msg":"boom"}'), T + 123);
    assert.equal(ms('{"timestamp":"2024-05-20T14:02:03.123Z","message":"x"}'), T + 123);
    assert.equal(ms('{"ts":1716213723.123,"level":"error"}'), T + 123);
  });

  it("takes a JSON line's time field, not a date inside its message", () => {
    assert.equal(ms('{"msg":"deadline 2030-01-01 00:00:00 missed","time":"2024-05-20T14:02:03Z"}'), T);
    assert.equal(ms('{"msg":"deadline 2030-01-01 00:00:00 missed"}'), null);
  });

  it('rejects impossible dates', () => {
    assert.equal(ms('2024-13-20 14:02:03 x'), null);
    assert.equal(ms('2024-02-30 14:02:03 x'), null);
    assert.equal(ms('2023-02-29 14:02:03 x'), null);
    assert.equal(ms('2024-02-29 14:02:03 x'), Date.UTC(2024, 1, 29, 14, 2, 3));
    assert.equal(ms('2024-05-20 25:02:03 x'), null);
    assert.equal(ms('2024-05-20 14:61:03 x'), null);
    assert.equal(ms('Feb 30 14:02:03 host x'), null);
  });

  it('does not read versions, line:col pairs, durations or counts as times', () => {
    assert.equal(ms('version 1.2.3 released'), null);
    assert.equal(ms('src/app.ts:12:34 - error TS2322'), null);
    assert.equal(ms('took 14:02:03 to finish'), null);
    assert.equal(ms('00:00:05 elapsed'), null);
    assert.equal(ms('12345 rows copied'), null);
    assert.equal(ms('20240520 build'), null);
    assert.equal(ms('v2024.05.20 tagged'), null);
    assert.equal(ms('processed 1716213723 bytes'), null, 'an epoch-sized number mid-line is not a time');
  });

  it('only takes positional timestamps early in the line', () => {
    const late = 'x'.repeat(80) + ' 2024-05-20T14:02:03Z';
    assert.equal(ms(late), null);
    assert.equal(ms('worker-7 | 2024-05-20T14:02:03Z ready'), T);
  });
});

describe('local time', () => {
  const saved = process.env.TZ;
  before(() => {
    // Node re-reads TZ when it changes; New York is UTC-4 in May (daylight saving).
    process.env.TZ = 'America/New_York';
  });
  after(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('reads a time without zone as local time by default, and as UTC when told', () => {
    assert.equal(parseLineTimestamp('2024-05-20 14:02:03,123 ERROR x')?.ms, T + 123 + 4 * 3600_000);
    assert.equal(parseLineTimestamp('2024-05-20 14:02:03,123 ERROR x', { defaultZone: 'utc' })?.ms, T + 123);
    assert.equal(parseLineTimestamp('2024-05-20 14:02:03,123 ERROR x')?.zoned, false);
    // An explicit zone wins over the default.
    assert.equal(parseLineTimestamp('2024-05-20T14:02:03.123Z x')?.ms, T + 123);
  });
});

describe('parseTimestampValue', () => {
  it('reads ISO strings and epoch seconds / milliseconds by magnitude', () => {
    assert.equal(parseTimestampValue('2024-05-20T14:02:03.5Z'), T + 500);
    assert.equal(parseTimestampValue('2024-05-20T16:02:03+02:00'), T);
    assert.equal(parseTimestampValue(1716213723), T);
    assert.equal(parseTimestampValue(1716213723.123), T + 123);
    assert.equal(parseTimestampValue(1716213723123), T + 123);
    assert.equal(parseTimestampValue(1716213723123456), T + 123, 'microseconds');
    assert.equal(parseTimestampValue('1716213723'), T);
    assert.equal(parseTimestampValue('2024-05-20 14:02:03', { defaultZone: 'utc' }), T);
  });

  it('rejects values that are not times', () => {
    assert.equal(parseTimestampValue(42), null);
    assert.equal(parseTimestampValue(-1716213723), null);
    assert.equal(parseTimestampValue(Number.NaN), null);
    assert.equal(parseTimestampValue('soon'), null);
    assert.equal(parseTimestampValue('2024-02-30T00:00:00Z'), null);
    assert.equal(parseTimestampValue(''), null);
  });
});
