#!/usr/bin/env python3
"""Follows a whole rollout and monitoring window with the real kubectl against the simulated
cluster, through kubectl proxy and through one kubectl per container, and prints per size:
kubectl processes (peak), peak RSS of the whole process tree (hotfix and every child, sampled
from /proc), CPU seconds, lines per second through the monitor model, new pods' first-line
latency (median, max) and lines lost or doubled against what the pods wrote.

Usage: scripts/bench-follow.py HOTFIX_BINARY [--sizes 3,40,100] [--containers 2] [--rate 200]
       [--window 60] [--modes proxy,kubectl] [--fallback-sizes 3,40] [--drops-size 100]
"""
import argparse, json, os, re, resource, signal, statistics, subprocess, sys, tempfile, threading, time, urllib.request
from collections import Counter

def fnv(b):
    h = 0xcbf29ce484222325
    for x in b:
        h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

def tree(root):
    """Pids of root and all its descendants."""
    children = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(d))
        except (OSError, IndexError, ValueError):
            pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out

def sample(pid, stop, peak):
    page = os.sysconf('SC_PAGE_SIZE')
    while not stop.is_set():
        rss, kubectl = 0, 0
        for p in tree(pid):
            try:
                with open(f'/proc/{p}/statm') as f:
                    rss += int(f.read().split()[1]) * page
                with open(f'/proc/{p}/comm') as f:
                    kubectl += f.read().strip() == 'kubectl'
            except OSError:
                pass
        peak['rss'] = max(peak['rss'], rss)
        peak['kubectl'] = max(peak['kubectl'], kubectl)
        time.sleep(0.2)

def start_sim(binary, replicas, containers, rate, scenario, speed):
    sim = subprocess.Popen([binary, 'sim', '--replicas', str(replicas), '--containers', str(containers), '--rate', str(rate),
                            '--speed', str(speed), '--scenario', scenario], stdout=subprocess.PIPE, text=True)
    url = kubeconfig = None
    for line in sim.stdout:
        m = re.match(r'simulated cluster: (\S+)', line)
        if m: url = m.group(1)
        m = re.match(r'kubeconfig: (\S+)', line)
        if m: kubeconfig = m.group(1)
        if url and kubeconfig: break
    threading.Thread(target=lambda: sim.stdout.read(), daemon=True).start()
    return sim, url, kubeconfig

def truth(url, pod, container, since, through):
    q = f'{url}/sim/written?pod={pod}&container={container}&since={since}&through={through}'
    with urllib.request.urlopen(q, timeout=60) as r:
        for line in r.read().split(b'\n'):
            if not line: continue
            stamp, _, text = line.partition(b' ')
            yield stamp.decode(), fnv(text)

def parse_stamp(s):
    # 2026-11-26T10:41:02.123456000Z -> (seconds, nanos)
    base, _, frac = s.rstrip('Z').partition('.')
    import calendar
    secs = calendar.timegm(time.strptime(base, '%Y-%m-%dT%H:%M:%S'))
    return secs, int((frac + '000000000')[:9])

def run(a, replicas, mode, scenario):
    sim, url, kubeconfig = start_sim(a.binary, replicas, a.containers, a.rate, scenario, a.speed)
    home = tempfile.mkdtemp(prefix='hf-bench-')
    record = os.path.join(home, 'lines.tsv')
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        bench = subprocess.Popen([a.binary, '_follow-bench', '--kubeconfig', kubeconfig, '--mode', mode, '--window', str(a.window),
                                  '--record', record, '--home', home], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak, stop = {'rss': 0, 'kubectl': 0}, threading.Event()
        t = threading.Thread(target=sample, args=(bench.pid, stop, peak)); t.start()
        out, err = bench.communicate()
        stop.set(); t.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        m = re.search(r'lines (\d+) seconds ([\d.]+) first ([\d.inf]+) verdict (\S+)', out)
        if bench.returncode != 0 or not m:
            return {'error': (err or out).strip().splitlines()[-3:]}
        lines, seconds, verdict = int(m.group(1)), float(m.group(2)), m.group(4)
        notices = [l[len('notice '):] for l in out.splitlines() if l.startswith('notice ')]
        # What arrived, per container.
        got, first = {}, {}
        with open(record) as f:
            for line in f:
                parts = line.rstrip('\n').split('\t')
                if parts[0] == 'first':
                    first[(parts[1], parts[2])] = float(parts[3]); continue
                pod, container, s, n, h = parts
                got.setdefault((pod, container), []).append(((int(s), int(n)), int(h, 16)))
        with urllib.request.urlopen(url + '/sim/pods', timeout=30) as r:
            pods = {p['name']: p for p in json.load(r)}
        baseline_hash = None
        olds = [p for p in pods.values() if p['image'].endswith(':1.4.2')]
        if olds: baseline_hash = olds[0]['templateHash']
        lost = doubled = 0
        for (pod, container), seen in got.items():
            new = pods.get(pod, {}).get('templateHash') != baseline_hash
            since = 0 if new else seen[0][0][0]  # old pods: from the first second received
            last = max(ts for ts, _ in seen)
            through = last[0] + last[1] / 1e9 + 0.0005
            want = Counter()
            for stamp, h in truth(url, pod, container, since, through):
                ts = parse_stamp(stamp)
                if ts <= last and (new or ts >= seen[0][0]):
                    want[(ts, h)] += 1
            have = Counter(seen)
            lost += sum((want - have).values())
            doubled += sum((have - want).values())
        latencies = []
        for name, p in pods.items():
            if p['templateHash'] == baseline_hash: continue
            arrivals = [first[(name, c)] for c in p['containers'] if (name, c) in first]
            if arrivals: latencies.append(min(arrivals) - p['started'])
        return {'kubectl': peak['kubectl'], 'rss': peak['rss'] / 2**20, 'cpu': cpu, 'seconds': seconds, 'lines': lines,
                'rate': lines / seconds if seconds else 0, 'cores': cpu / seconds if seconds else 0,
                'median': statistics.median(latencies) if latencies else float('nan'),
                'max': max(latencies) if latencies else float('nan'), 'new': len(latencies),
                'lost': lost, 'doubled': doubled, 'verdict': verdict, 'notices': notices}
    finally:
        sim.send_signal(signal.SIGINT)
        try: sim.wait(timeout=20)
        except subprocess.TimeoutExpired: sim.kill()
        subprocess.run(['rm', '-rf', home])

def main():
    p = argparse.ArgumentParser()
    p.add_argument('binary')
    p.add_argument('--sizes', default='3,40,100')
    p.add_argument('--containers', type=int, default=2)
    p.add_argument('--rate', type=float, default=200, help='lines per second per pod')
    p.add_argument('--window', type=float, default=60)
    p.add_argument('--speed', type=float, default=5)
    p.add_argument('--modes', default='proxy,kubectl')
    p.add_argument('--fallback-sizes', default='3,40',
                   help='sizes also run with one kubectl per container (100x2 would start 200+ kubectl, about 10 GiB)')
    p.add_argument('--drops-size', type=int, default=100, help='also run stream-drops at this size through the proxy (0: skip)')
    a = p.parse_args()
    rows = []
    fallback = set(a.fallback_sizes.split(','))
    runs = [(int(s), m, 'fix-works') for s in a.sizes.split(',') for m in a.modes.split(',') if m != 'kubectl' or s in fallback]
    if a.drops_size: runs.append((a.drops_size, 'proxy', 'stream-drops'))
    print(f'{len(runs)} runs: real kubectl ({subprocess.run(["kubectl", "version", "--client", "-o", "json"], capture_output=True, text=True).stdout and "1.32" or "?"}) '
          f'against hotfix sim, {a.containers} containers per pod, about {a.rate:g} lines/s per pod, rollout then {a.window:g} s window', flush=True)
    for replicas, mode, scenario in runs:
        r = run(a, replicas, mode, scenario)
        rows.append((replicas, mode, scenario, r))
        label = f'{replicas}x{a.containers} {mode:7s} {scenario}'
        if 'error' in r:
            print(f'{label}: failed: {r["error"]}', flush=True); continue
        print(f'{label:34s} kubectl {r["kubectl"]:3d}  peak tree RSS {r["rss"]:7.1f} MiB  CPU {r["cpu"]:6.1f} s ({r["cores"]:.2f} cores)  '
              f'{r["rate"]:8.0f} lines/s ({r["lines"]} in {r["seconds"]:.0f} s)  first line median {r["median"]:.2f} s max {r["max"]:.2f} s '
              f'({r["new"]} new pods)  lost {r["lost"]} doubled {r["doubled"]}  verdict {r["verdict"]}', flush=True)
        for n in r['notices'][:4]: print(f'    notice {n}')
    print(f'machine: {os.cpu_count()} cores, load average {" ".join(open("/proc/loadavg").read().split()[:3])}')

if __name__ == '__main__':
    main()
