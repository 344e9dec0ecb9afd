#!/usr/bin/env python3
"""Self time per operator from a chrome trace that `bench_train_step --profile` (LibTorch's profiler) wrote.

Self time = an event's duration minus the durations of the events nested directly inside it on the same thread,
so the table adds up to the traced wall time and shows where a step goes (GEMMs, attention, elementwise, the
optimizer). Usage: bench/profile_ops.py TRACE.json [--top 30]
"""
import argparse
import collections
import json


def self_times(events):
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            by_thread[e.get("tid")].append(e)
    total = collections.Counter()
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # [end, name, child_time]
        def close(item):
            end, name, child, dur = item
            total[name] += dur - child
            calls[name] += 1
            if stack:
                stack[-1][2] += dur
        for e in evs:
            start, dur = e["ts"], e["dur"]
            while stack and stack[-1][0] <= start:
                close(stack.pop())
            stack.append([start + dur, e["name"], 0.0, dur])
        while stack:
            close(stack.pop())
    return total, calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trace")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    with open(args.trace) as f:
        events = json.load(f)
    total, calls = self_times(events)
    grand = sum(total.values())
    print(f"traced self time {grand / 1e6:.3f} s")
    print(f"{'operator':50} {'self ms':>10} {'share':>7} {'calls':>7}")
    for name, t in total.most_common(args.top):
        print(f"{name[:50]:50} {t / 1e3:10.1f} {100 * t / grand:6.1f}% {calls[name]:7}")


if __name__ == "__main__":
    main()
