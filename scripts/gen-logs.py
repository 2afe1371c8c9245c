#!/usr/bin/env python3
"""Writes a synthetic kubectl log corpus: `gen-logs.py plain|json LINES OUT`.

Three pods interleaved, `[pod/NAME/app] RFC3339-timestamp ` prefixes as `kubectl logs --prefix
--timestamps` prints them; about 97 % INFO requests, 1 % WARN, 1.5 % ERROR 5xx lines and 0.5 %
errors with a five-line Python traceback. Deterministic (fixed seed)."""
import random
import sys

kind, total, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(5)
pods = ["api-7d9f8c6b5-x1k2p", "api-7d9f8c6b5-q8wzt", "api-7d9f8c6b5-m3n4v"]
prefixes = [f"[pod/{p}/app] " for p in pods]
paths = ["/users/", "/orders/", "/carts/", "/products/"]
methods = ["GET", "GET", "GET", "POST", "PUT"]
base = 1795689600  # 2026-11-26T10:40:00Z


def ts(ms):
    s, frac = divmod(ms, 1000)
    t = base + s
    h, rem = divmod(t % 86400, 3600)
    m, sec = divmod(rem, 60)
    return f"2026-11-26T{h:02d}:{m:02d}:{sec:02d}.{frac:03d}{rng.randrange(1000000):06d}Z "


written = 0
ms = 0
buf = []
with open(out, "w") as f:
    while written < total:
        ms += 1
        pre = prefixes[written % 3] + ts(ms)
        r = rng.random()
        uid = rng.randrange(100000)
        lat = rng.randrange(2, 180)
        path = rng.choice(paths)
        method = rng.choice(methods)
        if kind == "plain":
            if r < 0.97:
                buf.append(f"{pre}INFO {method} {path}{uid} 200 {lat}ms\n")
            elif r < 0.98:
                buf.append(f"{pre}WARN {method} {path}{uid} 200 {lat * 5}ms slow query on shard {uid % 16}\n")
            elif r < 0.995:
                buf.append(f"{pre}ERROR {method} {path}{uid} 500 {lat * 10}ms Database timeout after 3000ms\n")
            else:
                buf.append(f"{pre}ERROR Unhandled exception in handler\n")
                buf.append(f"{pre}Traceback (most recent call last):\n")
                buf.append(f'{pre}  File "/app/handlers.py", line {uid % 300}, in get_user\n')
                buf.append(f"{pre}    return users[uid]\n")
                buf.append(f"{pre}KeyError: 'user_{uid}'\n")
                written += 4
        else:
            level = "info"
            status = 200
            msg = "request served"
            extra = ""
            if r >= 0.97 and r < 0.98:
                level, lat, msg = "warn", lat * 5, "slow query"
            elif r >= 0.98:
                level, status, lat, msg = "error", 500, lat * 10, "request failed"
                extra = ',"error":"database timeout after 3000ms"'
            buf.append(f'{pre}{{"level":"{level}","ts":{base + ms / 1000:.3f},"caller":"api/handler.go:{uid % 400}",'
                       f'"msg":"{msg}","method":"{method}","path":"{path}{uid}","status":{status},'
                       f'"latency":{lat / 1000:.4f}{extra}}}\n')
        written += 1
        if len(buf) >= 20000:
            f.write("".join(buf))
            buf = []
    f.write("".join(buf))
