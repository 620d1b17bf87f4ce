/**
 * Error-level lines of the formats real systems write, each with the line's own time; the
 * info, debug, notice, verbose and warning lines around them never fire on their level alone,
 * even when their message says "error".
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type LogFinding, scanLogText } from '../../../src/engine/logs/logScanner';
import { removeWorkspace, tempWorkspace } from './helpers';

const ws = tempWorkspace();
after(() => removeWorkspace(ws));
const opts = { workspaceRoot: ws, defaultZone: 'utc' as const, year: 2024 };

/** [line, ISO time or null, message] of every finding. */
function fired(text: string, extra: object = {}): [number, string | null, string][] {
  return scanLogText(text, { ...opts, ...extra }).map((f: LogFinding) => [
    f.line,
    f.timestamp === undefined ? null : new Date(f.timestamp).toISOString(),
    f.message,
  ]);
}

describe('error levels of real log formats', () => {
  it('Android logcat: threadtime, time and brief, single-letter E/F levels', () => {
    const log = [
      '--------- beginning of main',
      '03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992 ActivityRecord{de9231d u0 com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity t761}}}, allDrawn= false',
      '03-17 16:13:46.764  2227  2794 E KeyguardUpdateMonitor: handleSimStateChange failed, slotId=0',
      '03-17 16:13:46.765  2227  2794 I KeyguardUpdateMonitor: ERROR is only a word in this info line',
      '03-17 16:13:47.001  1702  1820 F libc    : Fatal signal 11 (SIGSEGV), code 1, fault addr 0x0',
      '03-17 16:13:47.002  1702  1820 W libc    : error-prone but only a warning',
      '03-17 16:13:48.120 E/Zygote( 1702): process died',
      'E/ActivityManager( 1702): ANR in com.example.app',
      'V/ActivityManager( 1702): fatal verbosity, not a level',
    ].join('\n');
    assert.deepEqual(fired(log), [
      [3, '2024-03-17T16:13:46.764Z', 'KeyguardUpdateMonitor: handleSimStateChange failed, slotId=0'],
      [5, '2024-03-17T16:13:47.001Z', 'libc    : Fatal signal 11 (SIGSEGV), code 1, fault addr 0x0'],
      [7, '2024-03-17T16:13:48.120Z', 'Zygote: process died'],
      // Brief format has no time: the nearest line before it gives one.
      [8, '2024-03-17T16:13:48.120Z', 'ActivityManager: ANR in com.example.app'],
    ]);
  });

  it('syslog RFC 5424 and RFC 3164 with a priority: severity PRI % 8 of 3 or less is an error', () => {
    const log = [
      '<11>1 2024-05-20T14:02:05.123Z host app 123 ID47 - disk failure on sda',
      '<14>1 2024-05-20T14:02:06.123Z host app 123 ID47 [exampleSDID@32473 iut="3"] ERROR in an info message',
      '<10>May 20 14:02:07 host cron[312]: job crashed',
      '<13>May 20 14:02:08 host cron[312]: notice: job error count 0',
      '<8>May 20 14:02:09 host kernel: panic averted',
    ].join('\n');
    assert.deepEqual(fired(log), [
      [1, '2024-05-20T14:02:05.123Z', 'disk failure on sda'],
      [3, '2024-05-20T14:02:07.000Z', 'cron[312]: job crashed'],
      [5, '2024-05-20T14:02:09.000Z', 'kernel: panic averted'],
    ]);
  });

  it('journald: export format entries and JSON lines, PRIORITY 0-3 fire at __REALTIME_TIMESTAMP', () => {
    const exported = [
      '__CURSOR=s=6f1e;i=1',
      '__REALTIME_TIMESTAMP=1716213723123456',
      '__MONOTONIC_TIMESTAMP=2291221',
      'PRIORITY=3',
      'SYSLOG_IDENTIFIER=backup',
      'MESSAGE=rsync failed: No space left on device',
      '_PID=42',
      '',
      '__CURSOR=s=6f1e;i=2',
      '__REALTIME_TIMESTAMP=1716213724123456',
      'PRIORITY=6',
      'MESSAGE=error handling enabled',
      '',
    ].join('\n');
    assert.deepEqual(fired(exported), [[6, '2024-05-20T14:02:03.123Z', 'backup: rsync failed: No space left on device']]);
    const json = [
      '{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1716213729123456","PRIORITY":"2","_COMM":"app","MESSAGE":"write failed"}',
      '{"__CURSOR":"s=2","__REALTIME_TIMESTAMP":"1716213730123456","PRIORITY":"6","MESSAGE":"error count 0"}',
    ].join('\n');
    assert.deepEqual(fired(json), [[1, '2024-05-20T14:02:09.123Z', 'write failed']]);
  });

  it('Apache and nginx error logs: [error], [crit], [alert], [emerg]; [notice] does not fire', () => {
    const log = [
      '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties',
      '[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6',
      '[Wed Oct 11 14:32:52.123456 2000] [core:crit] [pid 35708:tid 4328636416] AH00037: Symbolic link not allowed',
      '2024/05/20 14:02:10 [emerg] 1234#0: bind() to 0.0.0.0:80 failed (98: Address already in use)',
      '2024/05/20 14:02:11 [alert] 1234#0: could not open error log file',
      '2024/05/20 14:02:12 [notice] 1234#0: signal process started, error_log reopened',
    ].join('\n');
    assert.deepEqual(fired(log), [
      [2, '2005-12-04T04:47:44.000Z', 'mod_jk child workerEnv in error state 6'],
      [3, '2000-10-11T14:32:52.123Z', '[pid 35708:tid 4328636416] AH00037: Symbolic link not allowed'],
      [4, '2024-05-20T14:02:10.000Z', '1234#0: bind() to 0.0.0.0:80 failed (98: Address already in use)'],
      [5, '2024-05-20T14:02:11.000Z', '1234#0: could not open error log file'],
    ]);
  });

  it('log4j/logback/slf4j, Python logging, Go log/slog (text and JSON), Rust tracing and env_logger', () => {
    const log = [
      '2024-05-20 14:02:12,123 FATAL [main] c.a.Boot - cannot start',
      '2024-05-20 14:02:12,124 INFO  [main] c.a.Boot - ERROR codes loaded',
      '2024-05-20 14:02:13,123 - app.db - ERROR - python failed',
      '2024-05-20 14:02:13,124 - app.db - DEBUG - error handler registered',
      'time=2024-05-20T14:02:14.000Z level=ERROR msg="slog failed" err="connection reset"',
      'time=2024-05-20T14:02:14.001Z level=INFO msg="error budget fine"',
      '{"time":"2024-05-20T14:02:15Z","level":"ERROR","msg":"slog json failed"}',
      '2024-05-20T14:02:16.123456Z ERROR myapp::db: pool exhausted',
      '2024-05-20T14:02:16.123457Z  WARN myapp::db: error rate rising',
      '[2024-05-20T14:02:17Z ERROR myapp::db] env_logger pool exhausted',
      '2024-05-20 14:02:18 VERBOSE ERROR is the message of a verbose line',
    ].join('\n');
    assert.deepEqual(
      fired(log).map(([l, t]) => [l, t]),
      [
        [1, '2024-05-20T14:02:12.123Z'],
        [3, '2024-05-20T14:02:13.123Z'],
        [5, '2024-05-20T14:02:14.000Z'],
        [7, '2024-05-20T14:02:15.000Z'],
        [8, '2024-05-20T14:02:16.123Z'],
        [10, '2024-05-20T14:02:17.000Z'],
      ],
    );
  });

  it('.NET console logger: fail: and crit: entries with their indented message and exception type', () => {
    const log = [
      'info: Microsoft.Hosting.Lifetime[14]',
      '      Now listening on: http://localhost:5000',
      'fail: Microsoft.AspNetCore.Server.Kestrel[13]',
      '      Connection id "0HMVFT", Request id "0HMVFT:00000001": An unhandled exception was thrown by the application.',
      '      System.InvalidOperationException: Sequence contains no elements',
      '         at System.Linq.ThrowHelper.ThrowNoElementsException()',
      'crit: Microsoft.AspNetCore.Hosting.Diagnostics[6]',
      '      Application startup exception',
      'warn: Microsoft.AspNetCore.HttpsPolicy[3]',
      '      Failed to determine the https port for redirect.',
    ].join('\n');
    const found = scanLogText(log, opts);
    assert.deepEqual(
      found.map((f) => [f.line, f.endLine, f.errorType ?? null, f.message]),
      [
        [
          3,
          6,
          'System.InvalidOperationException',
          'Microsoft.AspNetCore.Server.Kestrel: Connection id "0HMVFT", Request id "0HMVFT:00000001": An unhandled exception was thrown by the application.',
        ],
        [7, 8, null, 'Microsoft.AspNetCore.Hosting.Diagnostics: Application startup exception'],
      ],
    );
    const singleLine = [
      '2024-05-20 14:02:03 info: Microsoft.Hosting.Lifetime[0] Application started. error handling on',
      'fail: Orders.Api.OrderService[1001] Order 4411 could not be saved: timeout',
    ].join('\n');
    assert.deepEqual(fired(singleLine), [
      [2, '2024-05-20T14:02:03.000Z', 'Orders.Api.OrderService: Order 4411 could not be saved: timeout'],
    ]);
  });

  it('Windows: CBS log, Event Viewer CSV and wevtutil text exports', () => {
    const cbs = [
      '2024-05-20 14:02:18, Info                  CBS    Failed to get session [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]',
      '2024-05-20 14:02:19, Error                 CBS    Failed to resolve package [HRESULT = 0x800f0922]',
    ].join('\n');
    assert.deepEqual(fired(cbs), [[2, '2024-05-20T14:02:19.000Z', 'CBS    Failed to resolve package [HRESULT = 0x800f0922]']]);
    const csv = [
      'Level,Date and Time,Source,Event ID,Task Category',
      'Information,5/20/2024 2:02:19 PM,Service Control Manager,7036,None,"The service entered the error state."',
      'Error,5/20/2024 2:02:20 PM,Service Control Manager,7000,None,"The Foo service failed to start."',
      'Critical,5/20/2024 2:05:00 PM,Kernel-Power,41,(63),"The system has rebooted without cleanly shutting down first."',
    ].join('\n');
    assert.deepEqual(fired(csv), [
      [3, '2024-05-20T14:02:20.000Z', 'Service Control Manager (event 7000): The Foo service failed to start.'],
      [4, '2024-05-20T14:05:00.000Z', 'Kernel-Power (event 41): The system has rebooted without cleanly shutting down first.'],
    ]);
    const text = [
      'Event[0]:',
      '  Log Name: System',
      '  Source: Service Control Manager',
      '  Date: 2024-05-20T14:02:03.1230000Z',
      '  Event ID: 7000',
      '  Level: Error',
      '  Description: ',
      'The Foo service failed to start due to the following error: ',
      'The system cannot find the file specified.',
      '',
      'Event[1]:',
      '  Log Name: System',
      '  Source: Service Control Manager',
      '  Date: 2024-05-20T14:02:04.1230000Z',
      '  Event ID: 7036',
      '  Level: Information',
      '  Description: ',
      'The Foo service entered the error state.',
      '',
    ].join('\n');
    assert.deepEqual(fired(text), [
      [8, '2024-05-20T14:02:03.123Z', 'Service Control Manager (event 7000): The Foo service failed to start due to the following error:'],
    ]);
  });

  it('Kubernetes/container JSON lines, klog, bunyan and pino numeric levels', () => {
    const log = [
      '{"level":"error","ts":1716213740.5,"logger":"controller","msg":"Reconciler error","error":"conflict"}',
      '{"level":"info","ts":1716213740.6,"msg":"error queue empty"}',
      '{"severity":"ERROR","timestamp":"2024-05-20T14:02:21Z","message":"gcp failed"}',
      'E0520 14:02:03.123456    1234 reflector.go:138] Failed to watch *v1.Pod: unauthorized',
      'I0520 14:02:04.123456    1234 leaderelection.go:248] ERROR is only a word here',
      '{"name":"app","hostname":"h","pid":1,"level":50,"msg":"bunyan failed","time":"2024-05-20T14:02:22.000Z","v":0}',
      '{"level":60,"time":1716213743000,"msg":"pino fatal"}',
      '{"level":30,"time":1716213743000,"msg":"pino info about an error"}',
    ].join('\n');
    assert.deepEqual(fired(log), [
      [1, '2024-05-20T14:02:20.500Z', 'Reconciler error'],
      [3, '2024-05-20T14:02:21.000Z', 'gcp failed'],
      [4, '2024-05-20T14:02:03.123Z', 'Failed to watch *v1.Pod: unauthorized'],
      [6, '2024-05-20T14:02:22.000Z', 'bunyan failed'],
      [7, '2024-05-20T14:02:23.000Z', 'pino fatal'],
    ]);
  });

  it('a level in a fixed column of an upper-case record (BlueGene/L RAS)', () => {
    const log = [
      '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected',
      'KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt',
      '- 1118536328 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.08.000000 R30-M0-N9-C:J16-U01 RAS APP FATAL ciod: failed to read message prefix on control stream',
      'The report said FATAL in capitals, but this line is prose',
    ].join('\n');
    assert.deepEqual(fired(log), [
      [2, '2005-06-11T17:32:07.581Z', 'data TLB error interrupt'],
      [3, '2005-06-11T17:32:08.000Z', 'ciod: failed to read message prefix on control stream'],
    ]);
  });

  it("java.util.logging: SEVERE on the line after the date line takes that line's time", () => {
    const log = [
      'May 20, 2024 2:02:03 PM com.example.App main',
      'SEVERE: Connection refused to db',
      'May 20, 2024 2:02:04 PM com.example.App main',
      'WARNING: error budget low',
      'May 20, 2024 2:02:05\u202fPM com.example.App main',
      'INFO: error handling on',
    ].join('\n');
    const [f, ...rest] = scanLogText(log, opts);
    assert.equal(rest.length, 0);
    assert.equal(f?.line, 2);
    assert.equal(f?.message, 'Connection refused to db');
    assert.equal(new Date(f?.timestamp ?? 0).toISOString(), '2024-05-20T14:02:03.000Z');
    assert.equal(f?.timestampInherited, true);
  });

  it("times without a year are placed in the log's year, a December line read in January in the year before", () => {
    const proxy =
      '[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 error : Could not connect through proxy proxy.cse.cuhk.edu.hk:5070';
    assert.deepEqual(fired(proxy, { year: 2025 }), [
      [1, '2025-10-30T16:49:06.000Z', 'Could not connect through proxy proxy.cse.cuhk.edu.hk:5070'],
    ]);
    const syslog = ['Dec 31 23:59:58 combo app[1]: ERROR: before midnight', 'Jan  1 00:00:02 combo app[1]: ERROR: after midnight'].join(
      '\n',
    );
    assert.deepEqual(
      fired(syslog, { year: 2025, notAfter: Date.UTC(2025, 0, 1, 0, 5) }).map(([l, t]) => [l, t]),
      [
        [1, '2024-12-31T23:59:58.000Z'],
        [2, '2025-01-01T00:00:02.000Z'],
      ],
    );
  });
});
