#!/usr/bin/env python3
"""Summary of a tests/perf/soak.sh run: per process RSS after 2 minutes and at the end (growth %), open fds at the
start and the end; then whether the run was stored complete with intervals covering the whole duration.

usage: soak_report.py SAMPLES.tsv RESULTS.db DURATION_S TARGET_RPS     (exit 1 when the results are incomplete)
"""
import csv
import sqlite3
import sys

BASELINE_S = 120  # growth is measured from here: the first minutes hold warm-up allocations, pools and caches


def read_samples(path):
    processes = {}
    with open(path, newline='') as file:
        for row in csv.DictReader(file, delimiter='\t'):
            key = (row['pid'], row['role'], row['name'])
            processes.setdefault(key, []).append((int(row['elapsed_s']), int(row['rss_kb']), int(row['fds'])))
    return processes


def print_processes(processes, load_end_s, run_end_s):
    """Growth is from 2 minutes to the end of the load; the final sample (after the run fetched its spans and
    stored its results) is shown beside it."""
    print(f"{'role':9} {'pid':>7} {'process':30} {'RSS@2min':>9} {'RSS@load end':>12} {'growth':>8} {'RSS final':>9} "
          f"{'fds start':>9} {'fds@2min':>8} {'fds@load end':>12}  note")
    for (pid, role, name), samples in sorted(processes.items(), key=lambda item: (item[0][1], int(item[0][0]))):
        baseline = next((s for s in samples if s[0] >= BASELINE_S), samples[0])
        during = [s for s in samples if s[0] < load_end_s] or samples  # the sample at the end sees the span fetch
        first, load_end, last = samples[0], during[-1], samples[-1]
        growth = (load_end[1] - baseline[1]) * 100.0 / baseline[1] if baseline[1] else float('nan')
        notes = []
        if baseline[0] > BASELINE_S + 15:
            notes.append(f'started at {first[0]}s')
        if last[0] < run_end_s - 15:
            notes.append(f'gone after {last[0]}s')
        print(f'{role:9} {pid:>7} {name[:30]:30} {baseline[1] / 1024:7.1f}MB {load_end[1] / 1024:10.1f}MB '
              f'{growth:7.1f}% {last[1] / 1024:7.1f}MB {first[2]:>9} {baseline[2]:>8} {load_end[2]:>12}  '
              f'{"; ".join(notes)}')
    # The platform holds a pipe pair and pooled connections per instance, so its fds follow the autoscaler.
    print(f'instances alive at {BASELINE_S}s: {instances_at(processes, BASELINE_S)}, '
          f'at the end of the load: {instances_at(processes, load_end_s)}')


def instances_at(processes, when_s):
    """Instance processes with a sample within 10 s before `when_s`."""
    return sum(1 for (pid, role, name), samples in processes.items()
               if role == 'instance' and any(when_s - 10 <= s[0] <= when_s for s in samples))


def check_results(db_path, duration_s, target_rps):
    db = sqlite3.connect(f'file:{db_path}?mode=ro', uri=True)
    runs = db.execute('SELECT id, status, message FROM runs ORDER BY id').fetchall()
    if len(runs) != 1:
        print(f'results: INCOMPLETE: expected one run in {db_path}, found {len(runs)}')
        return False
    run_id, status, message = runs[0]
    rows = db.execute('SELECT idx, t_ms, duration_ms, requests, errors, sent FROM intervals '
                      'WHERE run_id = ? AND warmup = 0 ORDER BY idx', (run_id,)).fetchall()
    if not rows:
        print(f'results: INCOMPLETE: run {run_id} ({status}) has no intervals')
        return False
    covered_ms = rows[-1][1] + rows[-1][2] - rows[0][1]
    gaps = [(a[0], b[0]) for a, b in zip(rows, rows[1:]) if b[1] - (a[1] + a[2]) > a[2] // 2 or b[0] != a[0] + 1]
    requests = sum(r[3] for r in rows)
    errors = sum(r[4] for r in rows)
    sent = sum(r[5] or 0 for r in rows)
    stored = db.execute('SELECT COUNT(*) FROM requests WHERE run_id = ?', (run_id,)).fetchone()[0]
    coverage = covered_ms / (duration_s * 1000.0)
    complete = status == 'complete' and coverage >= 0.99 and not gaps
    print(f'results: run {run_id} status {status}{" (" + message + ")" if message else ""}; {len(rows)} intervals '
          f'covering {covered_ms / 1000:.1f} s of {duration_s} s ({coverage * 100:.1f}%), gaps {gaps or "none"}')
    print(f'load: {sent} sent, {requests} responses, {errors} errors; achieved {requests / duration_s:.0f} req/s of '
          f'{target_rps} target ({requests * 100.0 / (duration_s * target_rps):.1f}%); {stored} request rows stored')
    print('results complete: ' + ('yes' if complete else 'NO'))
    return complete


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    samples, db_path, duration_s, target_rps = argv[1], argv[2], int(argv[3]), float(argv[4])
    processes = read_samples(samples)
    run_end_s = max((s[-1][0] for s in processes.values()), default=0)
    print_processes(processes, duration_s, run_end_s)
    return 0 if check_results(db_path, duration_s, target_rps) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
