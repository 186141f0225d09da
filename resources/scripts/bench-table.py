#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints confab-bench's JSON lines (bench-results.jsonl) as one Markdown table.

Every cell is the median of the runs, with their spread [min-max] when there are several; the
last column is Confab's pool divided by the last server (ngircd, or an earlier Confab build with
BASELINE). Figures that swing by more than 30 % between runs are listed after the table (not the
maxima, which are single samples): rerun them with more RUNS before quoting them.
   resources/scripts/bench-table.py build/bench-results.jsonl
"""
import collections
import json
import statistics
import sys

SERVERS = ["confab-pool", "confab-nohistory", "confab-thread-per-connection", "confab-baseline", "ngircd"]
LATENCY = [("total_s", "total s"), ("mean_ms", "mean ms"), ("p99_ms", "p99 ms")]
IDLE = [("connect_s", "connect s"), ("bytes_per_connection", "bytes/connection"), ("server_threads", "threads")]
FANOUT = [("deliveries_per_s", "deliveries/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"), ("max_ms", "max ms"),
          ("lost", "lost")]
# Confab's own timing of each stage a relayed message goes through (the server logs it as it stops).
STAGES = [(f"{k}_{p}_us", f"{n} {p} us") for k, n in
          [("to_hub", "parsed to hub"), ("in_hub", "in the hub"), ("to_worker", "hub to worker thread"),
           ("to_sockets", "worker thread to sockets")] for p in ("p50", "p99")]
METRICS = {
    "seed-10x5": LATENCY,
    "seed-50x10": LATENCY,
    "seed-60x25": LATENCY,
    "fanout-100k": FANOUT,
    "fanout-300k": FANOUT,
    "stages-100k": STAGES,
    "stages-300k": STAGES,
    "saturation": [("deliveries_per_s", "deliveries/s"), ("server_cpu_us_per_delivery", "server CPU us/delivery")],
    "idle-5000": IDLE,
    "reconnect": [("all_in_s", "all in s"), ("register_p50_ms", "registration p50 ms"),
                  ("register_p99_ms", "registration p99 ms"), ("join_p99_ms", "joined p99 ms"),
                  ("dropped", "dropped"), ("unanswered", "unanswered")],
    "bigchannel": [("join_p50_ms", "JOIN p50 ms"), ("join_p99_ms", "JOIN p99 ms"), ("part_p99_ms", "PART p99 ms"),
                   ("who_p99_ms", "WHO p99 ms"), ("fanout_p50_ms", "message to all p50 ms"),
                   ("fanout_p99_ms", "message to all p99 ms")],
    "saturation-tls": [("deliveries_per_s", "deliveries/s"), ("server_cpu_us_per_delivery", "server CPU us/delivery")],
    "handshakes-tls": [("handshakes_per_s", "handshakes/s"), ("p99_ms", "p99 ms"),
                       ("server_cpu_ms_per_handshake", "server CPU ms/handshake"), ("failed", "failed")],
    "history": [("fill_messages_per_s", "stored/s"), ("latest_p50_ms", "LATEST 100 p50 ms"),
                ("latest_p99_ms", "LATEST 100 p99 ms"), ("playback_p50_ms", "JOIN+playback p50 ms"),
                ("playback_p99_ms", "JOIN+playback p99 ms"), ("search_p50_ms", "SEARCH p50 ms"),
                ("search_p99_ms", "SEARCH p99 ms"), ("db_mb_per_million", "MB per million")],
    "startup": [("startup_ms", "start-up ms")],
}


def workload_of(row):
    w = row["workload"]
    if w == "idle":
        w = f"idle-{row['clients']}"
    if w in ("fanout", "stages"):
        # Named by its rate: 10 senders x 20 messages/s x 499 receivers is "fanout-100k".
        w = f"{w}-{round(row['senders'] * row['rate'] * (row['clients'] - 1) / 1e5) * 100}k"
    if row.get("tls"):
        w += "-tls"
    return w


def fmt(v):
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if float(v).is_integer():
        return str(int(v))
    if abs(v) >= 100:
        return f"{v:.1f}"
    return f"{v:.3f}".rstrip("0").rstrip(".")


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    values = collections.defaultdict(list)  # (server, workload, key) -> values
    ran = set()
    for r in rows:
        w = workload_of(r)
        ran.add((r["server"], w))
        for k, v in r.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                values[(r["server"], w, k)].append(v)
    servers = [s for s in SERVERS if any(r["server"] == s for r in rows)]
    if not servers:
        print("No results.")
        return
    other = servers[-1]
    workloads = list(METRICS)
    # The large idle workload's size is whatever the descriptor limit allowed.
    for w in sorted({workload_of(r) for r in rows if r["workload"] == "idle"} - {"idle-5000"}):
        workloads.insert(workloads.index("idle-5000") + 1, w)
    runs = max((len(v) for v in values.values()), default=0)
    print(f"Medians of {runs} runs, [min-max] over the runs; the last column is confab-pool / {other}.\n")
    print("| workload | metric | " + " | ".join(servers) + f" | pool / {other.removeprefix('confab-')} |")
    print("|---|---|" + "---|" * (len(servers) + 1))
    swings = []
    for w in workloads:
        if all((s, w) not in ran for s in servers):
            continue
        for key, name in METRICS.get(w, IDLE):
            cells, medians = [], []
            for s in servers:
                vs = values.get((s, w, key), [])
                if not vs:
                    cells.append("failed" if (s, w) in ran else "-")
                    medians.append(None)
                    continue
                m = statistics.median(vs)
                medians.append(m)
                cell = fmt(m)
                if len(vs) > 1 and min(vs) != max(vs):
                    cell += f" [{fmt(min(vs))}-{fmt(max(vs))}]"
                if len(vs) != runs:
                    cell += f" ({len(vs)} run{'s' if len(vs) != 1 else ''})"
                cells.append(cell)
                # Not for maxima (one sample each), nor for figures too small for their rounding.
                if len(vs) > 1 and key != "max_ms" and abs(m) >= 0.01 and (max(vs) - min(vs)) / abs(m) > 0.3:
                    swings.append(f"{s} {w} {name}: {fmt(min(vs))} to {fmt(max(vs))}")
            a, b = medians[0], medians[-1]
            ratio = f"{a / b:.2f}" if a is not None and b not in (None, 0) and len(servers) > 1 else ""
            print(f"| {w} | {name} | " + " | ".join(cells) + f" | {ratio} |")

    def med(server, workload, key):
        vs = values.get((server, workload, key))
        return statistics.median(vs) if vs else None

    on, off = med("confab-pool", "saturation", "deliveries_per_s"), med("confab-nohistory", "saturation", "deliveries_per_s")
    if on and off:
        print(f"\nSaturation with history on / off: {on / off:.2f}.")
    plain, tls = med("confab-pool", "saturation", "deliveries_per_s"), med("confab-pool", "saturation-tls", "deliveries_per_s")
    if plain and tls:
        print(f"\nConfab's saturation over TLS / plain: {tls / plain:.2f}.")
    if med("confab-storm", "fanout-100k", "p99_ms") is not None and med("confab-storm", "fanout-loginstorm", "p99_ms") is not None:
        n = len(values[("confab-storm", "fanout-loginstorm", "p99_ms")])
        logins = values[("confab-storm", "fanout-loginstorm", "logins")][0]
        print(f"\nLogin storm ({n} runs, medians): fanout p99 {med('confab-storm', 'fanout-100k', 'p99_ms'):.3f} ms without, "
              f"{med('confab-storm', 'fanout-loginstorm', 'p99_ms'):.3f} ms with {logins:.0f} SASL PLAIN logins started "
              f"at once; they all end in {med('confab-storm', 'fanout-loginstorm', 'storm_s'):.2f} s (a login takes "
              f"p50 {med('confab-storm', 'fanout-loginstorm', 'login_p50_ms'):.0f} ms, "
              f"p99 {med('confab-storm', 'fanout-loginstorm', 'login_p99_ms'):.0f} ms).")
    cpu = [r["bench_cpu_pct"] for r in rows if "bench_cpu_pct" in r]
    if cpu:
        print(f"\nconfab-bench's own CPU use: at most {max(cpu):.0f}% of one core.")
    if swings:
        print("\nSwinging by more than 30 % between runs (rerun with more RUNS before quoting):")
        for s in swings:
            print(f"- {s}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/bench-results.jsonl")
