// HotfixLogs: the log pipeline, the hot path. Lines as kubectl prints them (an optional
// `[pod/…]` prefix and RFC 3339 time, then text, logfmt or JSON) are parsed into entries (levels,
// statuses, latencies from request lines and named fields, stack traces kept with their line),
// counted per pod and per bucket, error templates mined Drain-style, and a baseline compared
// with the new pods into a verdict with its reasons (`VerdictJudge`); `MonitorModel` is the
// monitoring window fed line by line. Everything shown is sanitized (`DisplaySanitizer`). Pure,
// Foundation only: no I/O besides the bytes it is handed, and it knows nothing of incidents
// (the engine turns a verdict into its journal record). `scripts/bench-logs` measures it.
