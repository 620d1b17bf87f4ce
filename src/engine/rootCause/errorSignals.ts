import type { RootCauseCategory } from '../types';

/** One piece of evidence read from an error text: which category it points to and how strongly. */
export interface ErrorSignal {
  category: RootCauseCategory;
  /** Stable id of the rule (`conn_refused`, `json_parse`...), used to group repeats. */
  signal: string;
  /** 0..1: how specific the wording is to the category. */
  weight: number;
  /** The text that matched, cut to a readable length. */
  match: string;
}

interface Rule {
  category: RootCauseCategory;
  signal: string;
  weight: number;
  re: RegExp;
}

/*
 * Weights say how specific a wording is: `JavaScript heap out of memory` can only mean one
 * thing (0.9), `KeyError` or `timed out` can mean several (0.3-0.5). A rule may appear under two
 * categories when the wording is genuinely split; the classifier lets the changed files decide.
 *
 * Recursion depth (RecursionError, Maximum call stack size exceeded, stack overflow) is scored
 * mainly as logic_error: an unbounded recursion is almost always a missing base case or cyclic
 * data, and raising the stack limit only moves the crash. It also carries a weaker
 * resource_exhaustion signal for the legitimate deep-input case.
 *
 * Rate limiting (429, "rate limit") is external_failure: the upstream throttles and a retry with
 * backoff recovers. Quota exhaustion (insufficient_quota, "exceeded your current quota") is
 * resource_exhaustion: no retry helps until the budget changes. Providers report quota through
 * 429 too, so a quota wording suppresses the rate-limit signal.
 */
const RULES: readonly Rule[] = [
  // ---------------------------------------------------------------- external_failure
  {
    category: 'external_failure',
    signal: 'conn_refused',
    weight: 0.8,
    re: /\bECONNREFUSED\b|ConnectionRefusedError|connection refused|ConnectException: Connection refused/i,
  },
  {
    category: 'external_failure',
    signal: 'dns_failure',
    weight: 0.75,
    re: /\bENOTFOUND\b|\bEAI_AGAIN\b|getaddrinfo|Name or service not known|Temporary failure in name resolution|nodename nor servname|no such host|Could not resolve host|UnknownHostException|NameResolutionError|Name does not resolve/i,
  },
  {
    category: 'external_failure',
    signal: 'unreachable',
    weight: 0.7,
    re: /\bEHOSTUNREACH\b|\bENETUNREACH\b|No route to host|Network is unreachable|NoRouteToHostException/i,
  },
  {
    category: 'external_failure',
    signal: 'http_5xx',
    weight: 0.7,
    re: /\b5\d\d (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|Server Error)|\b(status(?:[ _]?code)?|HTTP(?:\/\d(?:\.\d)?| Error)?|response code|HTTPError)[\s:=]*5\d\d\b|\bServiceUnavailable\b|\bBadGateway\b/i,
  },
  {
    category: 'external_failure',
    signal: 'rate_limited',
    weight: 0.7,
    re: /Too Many Requests|\brate[ _-]?limit(ed|_exceeded| exceeded| reached)?\b|RateLimitError|\b(status(?:[ _]?code)?|HTTP(?: Error)?)[\s:=]*429\b/i,
  },
  {
    category: 'external_failure',
    signal: 'timeout',
    weight: 0.5,
    re: /\bE(SOCKET)?TIMEDOUT\b|ReadTimeout|ConnectTimeout|TimeoutError|timed out|\btime ?out (?:after|while|exceeded|expired|reached)\b(?: \d+(?:\.\d+)? ?(?:ms|s|sec|seconds?|min|minutes?)\b)?|deadline exceeded|DEADLINE_EXCEEDED|DeadlineExceeded|SocketTimeoutException|Gateway Time-?out/i,
  },
  {
    category: 'external_failure',
    signal: 'conn_reset',
    weight: 0.6,
    re: /\bECONNRESET\b|socket hang up|Connection reset by peer|ConnectionResetError|RemoteDisconnected|Connection aborted|ConnectionAbortedError|server closed the connection unexpectedly|\bEPIPE\b|Broken pipe/i,
  },
  {
    category: 'external_failure',
    signal: 'tls_failure',
    weight: 0.5,
    re: /certificate verify failed|SSLError|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE|self[- ]signed certificate|SSL routines|handshake failure/i,
  },
  {
    category: 'external_failure',
    signal: 'upstream_unavailable',
    weight: 0.55,
    re: /requests\.exceptions\.ConnectionError|MaxRetryError|NewConnectionError|Failed to establish a new connection|could not connect to (server|host|database)|Can't connect to (local )?MySQL|connection to server at .{0,80} failed|unable to connect|failed to connect|ServiceUnavailableError|upstream (connect )?error/i,
  },
  // curl's exit codes name the side that failed: resolve (6), connect (7), time out (28), TLS (35), empty reply (52), receive (56).
  {
    category: 'external_failure',
    signal: 'curl_transport',
    weight: 0.8,
    re: /\bcurl: \((?:5|6|7|28|35|52|56|60)\)|\bcurl (?:exit(?:ed)?(?: with)?(?: code| status)?|error)[ :=]*(?:6|7|28|35|52|56)\b|Empty reply from server|Couldn't connect to server|Recv failure: Connection reset/i,
  },
  { category: 'external_failure', signal: 'http_5xx', weight: 0.7, re: /The requested URL returned error: 5\d\d\b/i },
  { category: 'external_failure', signal: 'port_in_use', weight: 0.3, re: /\bEADDRINUSE\b|Address already in use/i },

  // ---------------------------------------------------------------- resource_exhaustion
  {
    category: 'resource_exhaustion',
    signal: 'heap_oom',
    weight: 0.9,
    re: /JavaScript heap out of memory|Reached heap limit|Allocation failed - |HeapOutOfMemory/i,
  },
  {
    category: 'resource_exhaustion',
    signal: 'out_of_memory',
    weight: 0.85,
    re: /\bMemoryError\b|OutOfMemoryError|OutOfMemoryException|std::bad_alloc|Cannot allocate memory|\bENOMEM\b|out of memory|memory allocation of \d+ bytes failed|OOMKilled|oom-kill|memory limit (exceeded|reached)|exceeded (the )?memory limit/i,
  },
  {
    category: 'resource_exhaustion',
    signal: 'killed',
    weight: 0.55,
    re: /^\s*Killed(: 9)?\s*$|exit(ed)?( with)?( code| status)?[:=]?\s*137\b|\bcode[:=]?\s*137\b|signal: killed|\bSIGKILL\b|killed by signal 9/im,
  },
  { category: 'resource_exhaustion', signal: 'file_descriptors', weight: 0.85, re: /\bEMFILE\b|\bENFILE\b|Too many open files/i },
  {
    category: 'resource_exhaustion',
    signal: 'disk_full',
    weight: 0.85,
    re: /\bENOSPC\b|No space left on device|Disk quota exceeded|\bEDQUOT\b|database or disk is full|not enough space on the disk|disk (is )?full/i,
  },
  {
    category: 'resource_exhaustion',
    signal: 'context_limit',
    weight: 0.75,
    re: /context_length_exceeded|maximum context length|too many tokens|token limit (exceeded|reached)|prompt is too long|string_above_max_length|input is too long for|exceeds the (model'?s )?(maximum|max|context)/i,
  },
  {
    category: 'resource_exhaustion',
    signal: 'quota_exhausted',
    weight: 0.75,
    re: /insufficient_quota|exceeded your current quota|quota (has been )?exceeded|QuotaExceeded|RESOURCE_EXHAUSTED|ResourceExhausted|billing hard limit/i,
  },
  // `timeout` exits 124 when the command outran its budget: the job needed more time than it had, no upstream is implied.
  {
    category: 'resource_exhaustion',
    signal: 'time_budget',
    weight: 0.75,
    re: /\b(?:exit(?:ed)?(?: with)?(?: code| status)?|status|code)[ :=]*124\b|\(exit 124\)|exceeded (?:its|the) time (?:budget|limit)|Time limit exceeded|time budget exceeded|wall[- ]?clock limit/i,
  },
  {
    category: 'resource_exhaustion',
    signal: 'threads',
    weight: 0.55,
    re: /can't start new thread|unable to create (new )?native thread|Resource temporarily unavailable|pthread_create|fork: retry/i,
  },
  {
    category: 'resource_exhaustion',
    signal: 'process_limit',
    weight: 0.6,
    re: /File size limit exceeded|\bSIGXFSZ\b|File too large|\bEFBIG\b|CPU time limit exceeded|\bSIGXCPU\b/,
  },
  {
    category: 'resource_exhaustion',
    signal: 'recursion_depth',
    weight: 0.3,
    re: /RecursionError|maximum recursion depth|Maximum call stack size exceeded|StackOverflowError|stack overflow|has overflowed its stack/i,
  },

  // ---------------------------------------------------------------- data_corruption
  {
    category: 'data_corruption',
    signal: 'json_parse',
    weight: 0.75,
    re: /JSONDecodeError|json\.decoder|Expecting (value|property name|',' delimiter|':' delimiter)|Unterminated string starting|Extra data: line|Unexpected end of JSON input|in JSON at position|is not valid JSON|Unexpected token '.{1,4}', (?:\.\.\.)?"|Unexpected non-whitespace character after JSON|after (?:property value|array element) in JSON|JSON\.parse|SyntaxError: JSON|Bad control character in string literal|json: cannot unmarshal|looking for beginning of (value|object key)|JsonParseException|MismatchedInputException|serde_json/i,
  },
  {
    category: 'data_corruption',
    signal: 'csv_parse',
    weight: 0.7,
    re: /\b_?csv\.Error\b|pandas\.errors\.\w+|Error tokenizing data|EmptyDataError|No columns to parse|Expected \d+ fields in line \d+|CsvError|Invalid Record Length|Invalid Opening Quote|Quoted field not terminated|field larger than field limit|new-line character seen in unquoted field|expected \d+ (fields|columns|values),? (but )?(saw|got|found|has) \d+|wrong number of (fields|columns)|found record with \d+ fields|column count mismatch|mismatched number of (fields|columns)|row \d+ has \d+ (fields|columns)/i,
  },
  {
    category: 'data_corruption',
    signal: 'yaml_parse',
    weight: 0.7,
    re: /yaml\.(scanner|parser|constructor|composer)\.\w+|ScannerError|YAMLException|YAMLParseError|YAMLError|mapping values are not allowed|could not find expected ':'|found character that cannot start any token|did not find expected key|while parsing a (block|flow) (mapping|sequence)/i,
  },
  {
    category: 'data_corruption',
    signal: 'structured_parse',
    weight: 0.65,
    re: /TOMLDecodeError|TomlDecodeError|toml::de::Error|MissingSectionHeaderError|configparser\.\w*Error|xml\.etree\.ElementTree\.ParseError|XMLSyntaxError|SAXParseException|not well-formed|ExpatError|\bParserError\b/,
  },
  {
    category: 'data_corruption',
    signal: 'encoding',
    weight: 0.7,
    re: /UnicodeDecodeError|invalid byte sequence|Invalid UTF-?8|stream did not contain valid UTF-8|MalformedInputException|codec can't decode|invalid (start|continuation) byte|Illegal byte sequence|\bEILSEQ\b/i,
  },
  {
    category: 'data_corruption',
    signal: 'checksum',
    weight: 0.8,
    re: /checksum (mismatch|error|failed|does not match)|(hash|digest|sha\d*|md5) mismatch|integrity (check )?(failed|error)|\bEINTEGRITY\b|CRC (check )?(failed|error|mismatch)|bad CRC/i,
  },
  {
    category: 'data_corruption',
    signal: 'truncated',
    weight: 0.6,
    re: /unexpected EOF|Unexpected end of (file|input|stream|data)|premature end|\bEOFError\b|\btruncated\b|UnexpectedEOF|IncompleteRead|ran out of input|end of file reached/i,
  },
  {
    category: 'data_corruption',
    signal: 'corrupt_file',
    weight: 0.75,
    re: /database disk image is malformed|file is not a database|file is encrypted or is not a database|SQLITE_(CORRUPT|NOTADB)|not a parquet file|invalid magic (number|bytes)|BadZipFile|not a zip file|incorrect header check|not in gzip format|invalid (stored block lengths|distance too far back|block type)|\bcorrupt(ed|ion)?\b/i,
  },
  {
    category: 'data_corruption',
    signal: 'constraint_failed',
    weight: 0.7,
    re: /\b(?:UNIQUE|NOT NULL|FOREIGN KEY|CHECK|PRIMARY KEY) constraint failed|duplicate key value violates unique constraint|violates (?:foreign key|not-null|check) constraint|IntegrityError|Duplicate entry .{1,80} for key|INSERT failed/i,
  },
  {
    category: 'data_corruption',
    signal: 'value_conversion',
    weight: 0.5,
    re: /could not convert string to \w+|invalid literal for \w+\(\)|NumberFormatException|Parse(Int|Float)Error|strconv\.Parse\w+: parsing|invalid digit found in string|time data .{0,40} does not match format/i,
  },

  // ---------------------------------------------------------------- config_error
  { category: 'config_error', signal: 'key_error', weight: 0.35, re: /\bKeyError\b/ },
  {
    category: 'config_error',
    signal: 'missing_setting',
    weight: 0.6,
    re: /missing (required )?(setting|config(uration)?( key| value)?|option|environment variable|env var)|(setting|option|config(uration)? (key|value)|environment variable|env var)s? .{0,60}\b(is|are) (not set|missing|required|undefined|empty)|not set in (the )?environment|must be set\b|is required but (was )?not/i,
  },
  // Case matters here: an upper-case KeyError is an environment variable, `KeyError: 'price'` is not.
  { category: 'config_error', signal: 'missing_env', weight: 0.6, re: /KeyError: '[A-Z][A-Z0-9_]{2,}'|os\.environ\[/ },
  {
    category: 'config_error',
    signal: 'invalid_config',
    weight: 0.55,
    re: /invalid (config(uration)?|setting|option value|value for (key|option|setting|field|parameter))|\bConfig(uration)?Error\b|ImproperlyConfigured|validation errors? for (Settings|Config)|config(uration)? (is )?(invalid|validation failed)|bad config/i,
  },
  {
    category: 'config_error',
    signal: 'unknown_option',
    weight: 0.55,
    re: /unknown (option|config(uration)? key|setting|flag|parameter|property)|unrecognized (option|arguments?|field|key)|unexpected (config(uration)? )?key\b|invalid option|no such option|not a valid (option|setting|key)|additional propert(y|ies)|UnrecognizedPropertyException/i,
  },
  {
    category: 'config_error',
    signal: 'auth',
    weight: 0.45,
    re: /401 Unauthorized|403 Forbidden|invalid (api[_ ]?key|token|credentials)|incorrect api key|authentication failed|AuthenticationError|password authentication failed|access denied for user|InvalidClientTokenId|token (has )?expired/i,
  },
  {
    category: 'config_error',
    signal: 'permission',
    weight: 0.35,
    re: /\bEACCES\b|\bEPERM\b|Permission denied|PermissionError|AccessDeniedException|Operation not permitted|access is denied/i,
  },
  {
    category: 'config_error',
    signal: 'missing_dependency',
    weight: 0.4,
    re: /ModuleNotFoundError|No module named|Cannot find module|\bImportError\b|MODULE_NOT_FOUND|ClassNotFoundException|NoClassDefFoundError|command not found|shell: not found|executable file not found|error while loading shared libraries|Cannot find package/i,
  },
  {
    category: 'config_error',
    signal: 'version_mismatch',
    weight: 0.4,
    re: /version mismatch|unsupported (engine|version)|UnsupportedClassVersionError|incompatible (version|versions)|was compiled against a different/i,
  },
  { category: 'config_error', signal: 'port_in_use', weight: 0.4, re: /\bEADDRINUSE\b|Address already in use/i },
  {
    category: 'config_error',
    signal: 'missing_file',
    weight: 0.25,
    re: /\bENOENT\b|FileNotFoundError|No such file or directory|FileNotFoundException|NoSuchFileException|cannot find the (file|path) specified/i,
  },

  // ---------------------------------------------------------------- logic_error
  {
    category: 'logic_error',
    signal: 'type_error',
    weight: 0.65,
    re: /\bTypeError\b|ClassCastException|InvalidCastException|unsupported operand type|is not a function|is not iterable|is not subscriptable|object is not callable|unhashable type|unexpected keyword argument|missing \d+ required positional argument|mismatched types/,
  },
  {
    category: 'logic_error',
    signal: 'attribute_error',
    weight: 0.65,
    re: /\bAttributeError\b|has no attribute|Cannot read propert(y|ies) of (undefined|null)|undefined is not an object|null is not an object|undefined method|NoMethodError/,
  },
  {
    category: 'logic_error',
    signal: 'name_error',
    weight: 0.6,
    re: /\bNameError\b|\bReferenceError\b|\bis not defined\b|UnboundLocalError|referenced before assignment|cannot find symbol|NoSuchMethodError|NoSuchFieldError/,
  },
  {
    category: 'logic_error',
    signal: 'assertion',
    weight: 0.6,
    re: /\bAssertionError\b|assertion failed|Assertion .{1,80} failed|ERR_ASSERTION/,
  },
  {
    category: 'logic_error',
    signal: 'index_error',
    weight: 0.6,
    re: /\bIndexError\b|index out of (range|bounds)|IndexOutOfBoundsException|ArrayIndexOutOfBoundsException|RangeError: (?!Maximum call stack)/,
  },
  {
    category: 'logic_error',
    signal: 'zero_division',
    weight: 0.65,
    re: /ZeroDivisionError|division by zero|divide by zero|ArithmeticException|DivideByZeroException/i,
  },
  {
    category: 'logic_error',
    signal: 'null_reference',
    weight: 0.55,
    re: /NullPointerException|NullReferenceException|nil pointer dereference|invalid memory address or nil|null pointer|Segmentation fault|SIGSEGV|access violation/i,
  },
  {
    category: 'logic_error',
    signal: 'panic',
    weight: 0.55,
    re: /called `(Option|Result)::unwrap\(\)` on an? `(None|Err)` value|panicked at|^panic: |unexpectedly found nil/m,
  },
  {
    category: 'logic_error',
    signal: 'recursion_depth',
    weight: 0.6,
    re: /RecursionError|maximum recursion depth|Maximum call stack size exceeded|StackOverflowError|stack overflow|has overflowed its stack/i,
  },
  {
    category: 'logic_error',
    signal: 'syntax_error',
    weight: 0.4,
    re: /\bSyntaxError\b|IndentationError|TabError|Unexpected token|unexpected (indent|identifier)/,
  },
  { category: 'logic_error', signal: 'compile_error', weight: 0.55, re: /error TS\d{4}|error\[E\d{4}\]|cannot find value `/ },
  { category: 'logic_error', signal: 'key_error', weight: 0.2, re: /\bKeyError\b/ },
  {
    category: 'logic_error',
    signal: 'test_failed',
    weight: 0.55,
    re: /^(?:test failed|test error):|\bnot ok \d+ - |^FAILED \S+::|Tests run: \d+, Failures: [1-9]| FAILED$/m,
  },
  // A script calling a name it never defines (a renamed function) or a SQL script that no longer parses: the script is wrong.
  {
    category: 'logic_error',
    signal: 'script_error',
    weight: 0.45,
    re: /\(\S+\.(?:sh|bash|zsh) line \d+\)|\.(?:sh|bash): line \d+: |sqlite3 parse error near line|syntax error at or near|cannot find symbol|shell: (?:syntax error|bad substitution|unbound variable)/,
  },

  {
    category: 'logic_error',
    signal: 'missing_dependency',
    weight: 0.2,
    re: /Cannot find module '\.{1,2}\/|attempted relative import|cannot import name/,
  },
  {
    category: 'logic_error',
    signal: 'generic_exception',
    weight: 0.3,
    re: /\bValueError\b|IllegalArgumentException|IllegalStateException|\bArgumentException\b|InvalidOperationException|NotImplementedError|UnsupportedOperationException/,
  },
];

/**
 * Signals about a failure to read a file whose category follows the file they name: a parse
 * error in `data/x.csv` is data_corruption, the same error in `config/app.yaml` is config_error,
 * a SyntaxError in a changed `.js` is logic_error. The category on the signal is the default
 * when no file is named.
 */
const FILE_TARGETED = new Set([
  'json_parse',
  'csv_parse',
  'yaml_parse',
  'structured_parse',
  'encoding',
  'truncated',
  'value_conversion',
  'syntax_error',
  'missing_file',
  'corrupt_file',
]);

export function isFileTargeted(signal: ErrorSignal): boolean {
  return FILE_TARGETED.has(signal.signal);
}

const MAX_MATCH = 120;

/** Every rule that matches `text` (and `errorType`, read first), at most once per rule. */
export function errorSignals(text: string, errorType?: string): ErrorSignal[] {
  const haystack = errorType ? `${errorType}: ${text}` : text;
  const out: ErrorSignal[] = [];
  for (const rule of RULES) {
    const m = rule.re.exec(haystack);
    if (!m) continue;
    out.push({
      category: rule.category,
      signal: rule.signal,
      weight: rule.weight,
      match: m[0].trim().slice(0, MAX_MATCH),
    });
  }
  if (out.some((s) => s.signal === 'quota_exhausted')) {
    return out.filter((s) => s.signal !== 'rate_limited');
  }
  // A job killed by its own time budget timed out, but not waiting on anything outside.
  if (out.some((s) => s.signal === 'time_budget')) return out.filter((s) => s.signal !== 'timeout');
  return out.map((s) => (s.signal === 'timeout' && ownTimeout(s.match, haystack) ? { ...s, ...OWN_TIME_BUDGET } : s));
}

/** Timeout wordings any code uses, whatever it waited on (`timed out`, `timeout after 30s`, `TimeoutError`). */
const GENERIC_TIMEOUT = /^(?:timed out|time ?out \w+(?: [\d.]+ ?[a-z]+)?|TimeoutError)$/i;
/** What a timeout waiting on something outside the job says: an address, a connection, a request, a service. */
const REMOTE_HINT =
  /:\/\/|(?:\d{1,3}\.){3}\d{1,3}|\b(?:localhost|[a-z][\w-]*(?:\.[\w-]+)+):\d{2,5}\b|\b(?:connect\w*|request\w*|response|socket|upstream|server|host|peer|gateway|https?|grpc|rpc|api|database|db|query|network|dns|tls|ssl|proxy|remote|fetch\w*|download\w*|upload\w*|curl|wget|client|service|endpoint|lock)\b/i;
const OWN_TIME_BUDGET = { category: 'resource_exhaustion', signal: 'time_budget', weight: 0.5 } as const;

/**
 * A generic timeout that names nothing outside the job (`ERROR: timeout after 30s processing
 * data/events.jsonl`, `Task timed out after 900 seconds`): the job ran out of its own time,
 * which is a budget, not an external failure.
 */
function ownTimeout(match: string, text: string): boolean {
  return GENERIC_TIMEOUT.test(match) && !REMOTE_HINT.test(text);
}

// ---------------------------------------------------------------- details for sentences

const URL_RE = /\b(?:https?|postgres(?:ql)?|mysql|redis|amqps?|mongodb(?:\+srv)?|wss?|grpc):\/\/[^\s'"<>)\]]+/gi;
const HOST_PORT_RE = /(?<![\w.:/-])((?:\d{1,3}\.){3}\d{1,3}|localhost|\[[0-9a-fA-F:]+\]|(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}):(\d{2,5})\b/g;
const HOST_KW_PORT_RE = /host=['"]?([\w.-]+)['"]?,\s*port=(\d{2,5})/g;
const SERVER_AT_RE = /server at "([\w.-]+)"(?: \([\d.:a-f]+\))?, port (\d{2,5})/g;
/** Python socket addresses: `create_connection(("127.0.0.1", 5432))`. */
const ADDRESS_TUPLE_RE = /\(\s*['"]([\w.-]+)['"]\s*,\s*(\d{2,5})\s*\)/g;

/**
 * Network endpoints an error text names (`127.0.0.1:5432`, `https://api.example.com/v1`),
 * credentials removed, at most `limit`.
 */
export function endpointsIn(text: string, limit = 3): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(URL_RE)) {
    found.add(m[0].replace(/\/\/[^/@\s]*@/, '//').replace(/[.,;:]+$/, ''));
  }
  for (const re of [SERVER_AT_RE, HOST_KW_PORT_RE, ADDRESS_TUPLE_RE, HOST_PORT_RE]) {
    for (const m of text.matchAll(re)) {
      const hostPort = `${m[1] ?? ''}:${m[2] ?? ''}`;
      if (![...found].some((u) => u.includes(hostPort))) found.add(hostPort);
    }
  }
  return [...found].slice(0, limit);
}

/** Host names a DNS failure names (`getaddrinfo ENOTFOUND api.example.com`). */
export function unresolvedHostsIn(text: string): string[] {
  const found = new Set<string>();
  const res = [
    /(?:ENOTFOUND|EAI_AGAIN)\s+([\w.-]+)/g,
    /Could not resolve host:?\s*([\w.-]+)/gi,
    /lookup ([\w.-]+)(?: on [\d.:]+)?: no such host/g,
    /Failed to resolve '([\w.-]+)'/g,
    /UnknownHostException: ([\w.-]+)/g,
  ];
  for (const re of res) for (const m of text.matchAll(re)) if (m[1]) found.add(m[1]);
  return [...found];
}

/** The HTTP status an upstream answered with, when the text says so. */
export function httpStatusIn(text: string): number | null {
  const m =
    /\b([45]\d\d) (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|Server Error|Client Error|Too Many Requests|Unauthorized|Forbidden)/i.exec(
      text,
    ) ?? /\b(?:status(?:[ _]?code)?|HTTP(?:\/\d(?:\.\d)?| Error)?|response code|HTTPError)[\s:=]*([45]\d\d)\b/i.exec(text);
  return m?.[1] ? Number(m[1]) : null;
}

/**
 * Where the code is, not the data: a Python frame (`File "pipeline.py", line 7`), Perl's and
 * Tcl's `at script.pl line 12`, a shell's `run.sh: line 5:`. A data file's parse position never
 * comes from these.
 */
const CODE_LINE = /File "[^"\n]*", line \d+|\bat \S+ line \d+|\S+: line \d+:/g;

/** Where in a file a parser gave up (`line 3, column 5`, `position 42`), when the text says so. */
export function parsePositionIn(text: string): string | null {
  text = text.replace(CODE_LINE, '');
  const lineCol = /\bline (\d+)(?:,? col(?:umn)? (\d+))?/i.exec(text);
  if (lineCol?.[1]) return lineCol[2] ? `line ${lineCol[1]}, column ${lineCol[2]}` : `line ${lineCol[1]}`;
  const pos = /\bat (?:position|character offset) (\d+)/i.exec(text);
  if (pos?.[1]) return `position ${pos[1]}`;
  return null;
}
