#!/usr/bin/python3
"""tools/bench.d/row_check.py: a complete result passes; every way a row can measure nothing
(each figure zeroed or removed, clients refused, a report missing) is named with its row; and
report.py refuses to write docs/bench.md from such a result.

Usage: row_check_test.py REPO_ROOT"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = sys.argv.pop(1) if len(sys.argv) > 1 else os.getcwd()
BENCH_D = os.path.join(ROOT, "tools", "bench.d")
sys.path.insert(0, BENCH_D)
import row_check  # noqa: E402


def histogram(count):
    return {"count": count, "p50_ms": 1.0, "p90_ms": 2.0, "p95_ms": 2.5, "p99_ms": 3.0,
            "p999_ms": 4.0, "max_ms": 5.0, "mean_ms": 1.2}


def step(n, messages):
    return {"connections": n, "failed": 0, "closed_during": 0, "connect_seconds": 0.5,
            "measure_seconds": 3.0, "messages": messages, "updates": messages, "snapshots": 0,
            "unstamped": 0, "messages_per_second": messages / 3, "expected_per_second": n * 10.0,
            "mean_message_bytes": 2048.0,
            "delivery_ms": {"count": messages, "p50": 4.0, "p90": 9.0, "p99": 20.0, "p999": 30.0,
                            "max": 40.0, "mean": 5.0},
            "server_cpu_seconds": 0.3, "server_cpu_seconds_per_million_messages": 20.0,
            "server_rss_kib": 90000, "server_rss_kib_per_connection": 20.0}


def displays(steps, **extra):
    return dict({"mode": "displays", "format": "rollcall", "server_rss_kib_before": 1000,
                 "steps": [step(n, n * 30) for n in steps], "published": 30, "problems": []},
                **extra)


def beacon_client(n):
    return {"mode": "beacons", "wanted": n, "opened": n, "failed": 0, "refused": 0, "closed": 0,
            "open_seconds": 1.0, "first_error": ""}


def across(n, g):
    share = [n // g + (1 if i < n % g else 0) for i in range(g)]
    return {"beacons": n, "gateways": g, "online_counted": n, "remote_counted": n, "exact": True,
            "join_storm_seconds": 3.0, "joins_per_second": n / 3, "gateway_cpu_seconds": 1.0,
            "rss_kib_per_connection": 10.0, "clients": [beacon_client(s) for s in share]}


def across_run(rate, arrangement):
    return {"target_rate": rate, "arrangement": arrangement, "desks_via": "gateway B",
            "displays_via": "gateway A" if arrangement == "across" else "gateway B",
            "achieved_rate": rate, "scans": 1000, "ok": True, "failure": "",
            "retried_unavailable": 0, "scan_to_result": histogram(1000),
            "scan_to_display": histogram(1000), "scan_to_display_first_message": histogram(1000),
            "missing_a_tick": 20, "not_shown": 0, "desks_followed": 32, "display_updates": 100,
            "display_interval": histogram(100)}


def good_results():
    """A run in which every row measured something (shaped as run_bench.py writes it)."""
    ingest = {fsync: {"gateway_scans_per_second": 8000, "gateway_ok": True, "gateway_failure": "",
                      "scans": 8000, "by_status": {"accepted": 8000},
                      "scan_to_result": histogram(8000), "desk_connections": 32,
                      "redis_benchmark_calls_per_second": 20000.0,
                      "redis_benchmark_args": "-c 1 -P 32",
                      "redis_benchmark_clients_calls_per_second": 15000.0,
                      "redis_benchmark_clients_args": "-c 32 -P 1", "ratio": 0.4,
                      "replay": {"calls_per_second": 11000.0, "calls": 7997, "depth": 32,
                                 "redis_us_per_call": 80.0, "cpu0_redis_busy": 0.9},
                      "rounds": [{"gateway": 8000, "replay": 11000.0, "ratio": 0.727,
                                  "redis_benchmark": 20000.0, "benchmark_ratio": 0.4},
                                 {"gateway": 7900, "replay": 10800.0, "ratio": 0.731,
                                  "redis_benchmark": 19000.0, "benchmark_ratio": 0.416}],
                      "replay_ratio": 0.73}
              for fsync in ("everysec", "always")}
    latency = {"redis_rtt": {"min_ms": 0.1, "max_ms": 1.0, "avg_ms": 0.2, "samples": 100},
               "tick_ms": 100, "floor_display_ms": 100.2, "target_display_p99_ms": 110,
               "runs": [{"target_rate": rate, "achieved_rate": rate, "scans": 4000, "ok": True,
                         "failure": "", "scan_to_result": histogram(4000),
                         "scan_to_display": histogram(4000)} for rate in (1000, 10000)]}
    real = displays([2000])
    real["loadgen"] = {"ok": False, "failure": "interrupted by signal 2 after 900 scan results",
                       "scans": {"results": 900}}
    return {"generated_at": "2026-12-05T12:00:00+00:00", "mode": "quick", "machine": {},
            "errors": {}, "ingest": ingest, "latency": latency,
            "fanout": {"ws_reference": displays([500, 2000]), "send_floor": displays([500, 2000]),
                       "rollcall_2kb": displays([500, 2000]),
                       "rollcall_2kb_2threads": displays([500, 2000]), "rollcall_real": real},
            "presence": {"one_gateway": {"beacons": 2000, "online_counted": 2000,
                                         "remote_counted": 2000, "join_storm_seconds": 2.0,
                                         "gateway_rss_kib_before": 1, "gateway_rss_kib_after": 2,
                                         "rss_kib_per_connection": 9.0,
                                         "gateway_cpu_seconds": 1.0,
                                         "clients": [beacon_client(2000)]},
                         "six_gateways": across(6000, 6)},
            "scaling": [across(2000 * g, g) for g in (1, 2, 3)],
            "across": {"tick_ms": 100, "target_display_p99_ms": 110, "haproxy": True,
                       "redis": "primary + replica + 3 Sentinels", "desks": 32,
                       "redis_rtt": {"min_ms": 0.1, "max_ms": 1.0, "avg_ms": 0.2, "samples": 100},
                       "hops": {"set_and_wait_replica": histogram(300),
                                "publish_to_subscriber": histogram(300)},
                       "runs": [across_run(rate, arrangement) for rate in (100, 1000)
                                for arrangement in ("one_gateway", "across")]},
            "export": {"benchmark": "rollcall-export", "badges": 1500, "days": 5, "scans": 20000,
                       "log_entries": 20000, "load_seconds": 1.0,
                       "exports": {"attendees.csv": {"seconds": 0.2, "bytes": 1000,
                                                     "exit_code": 0}},
                       "verify": {"exit_code": 0, "output": "ok"}},
            "total_seconds": 100.0}


PARTS = ["ingest", "latency", "fanout", "presence", "scaling", "across", "export"]


def paths(value, prefix=()):
    """Every path to a leaf number in `value` (the figures a row rests on)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, prefix + (i,))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield prefix


def at(results, path):
    for p in path[:-1]:
        results = results[p]
    return results, path[-1]


# The figures a row's verdict rests on: zeroing any of them must fail that row.
ESSENTIAL = {
    ("ingest", "everysec", "scans"), ("ingest", "always", "scans"),
    ("ingest", "everysec", "redis_benchmark_calls_per_second"),
    ("ingest", "always", "redis_benchmark_calls_per_second"),
    ("ingest", "everysec", "replay", "calls_per_second"),
    ("ingest", "always", "replay", "calls_per_second"),
    ("ingest", "everysec", "replay", "calls"),
    ("ingest", "everysec", "rounds", 1, "gateway"),
    ("ingest", "always", "rounds", 0, "replay"),
    ("ingest", "everysec", "rounds", 1, "redis_benchmark"),
    ("latency", "runs", 0, "scans"), ("latency", "runs", 1, "scans"),
    ("latency", "runs", 0, "scan_to_display", "count"),
    ("latency", "runs", 1, "scan_to_display", "count"),
    ("presence", "one_gateway", "online_counted"),
    ("presence", "six_gateways", "online_counted"),
    ("export", "log_entries"),
    ("export", "exports", "attendees.csv", "bytes"),
}
for key, steps in (("ws_reference", 2), ("send_floor", 2), ("rollcall_2kb", 2),
                   ("rollcall_2kb_2threads", 2),
                   ("rollcall_real", 1)):
    for i in range(steps):
        ESSENTIAL |= {("fanout", key, "steps", i, "connections"),
                      ("fanout", key, "steps", i, "messages"),
                      ("fanout", key, "steps", i, "delivery_ms", "count")}
ESSENTIAL.add(("fanout", "rollcall_real", "loadgen", "scans", "results"))
for g in range(3):
    ESSENTIAL.add(("scaling", g, "online_counted"))
    for c in range(g + 1):
        ESSENTIAL.add(("scaling", g, "clients", c, "opened"))
for c in range(6):
    ESSENTIAL.add(("presence", "six_gateways", "clients", c, "opened"))
ESSENTIAL.add(("presence", "one_gateway", "clients", 0, "opened"))
for i in range(4):
    ESSENTIAL |= {("across", "runs", i, "scans"), ("across", "runs", i, "display_updates"),
                  ("across", "runs", i, "desks_followed"),
                  ("across", "runs", i, "scan_to_display", "count")}


def row_of(path):
    """The words a problem's row must contain for a change at `path`."""
    if path[0] == "ingest":
        return path[1]
    if path[0] == "latency":
        return "latency"
    if path[0] == "fanout":
        return path[1]
    if path[0] == "presence":
        return "presence"
    if path[0] == "scaling":
        return f"{path[1] + 1} gateways"
    if path[0] == "across":
        return "across"
    return path[0]


class RowCheck(unittest.TestCase):
    def test_a_complete_run_passes(self):
        self.assertEqual(row_check.problems(good_results(), PARTS), [])

    def test_every_essential_figure_zeroed_fails_its_row(self):
        present = set(paths(good_results()))
        self.assertTrue(ESSENTIAL <= present, ESSENTIAL - present)
        for path in sorted(ESSENTIAL, key=str):
            for bad in (0, None, "delete"):
                with self.subTest(path=path, value=bad):
                    r = good_results()
                    parent, key = at(r, path)
                    if bad == "delete":
                        del parent[key]
                    else:
                        parent[key] = bad
                    found = row_check.problems(r, PARTS)
                    self.assertTrue(found, f"{path} = {bad} passed")
                    self.assertTrue(any(row_of(path) in row for row, _ in found), found)

    def test_each_missing_row_or_report_is_named(self):
        for path in [("fanout", "rollcall_real"), ("fanout", "ws_reference"),
                     ("fanout", "send_floor", "steps"),
                     ("fanout", "rollcall_2kb"), ("fanout", "rollcall_2kb_2threads"),
                     ("fanout", "rollcall_real", "loadgen"),
                     ("presence", "one_gateway"), ("presence", "six_gateways"),
                     ("fanout", "rollcall_2kb", "steps"), ("latency", "runs"),
                     ("across", "runs")] + \
                    [("presence", "six_gateways", "clients", i) for i in range(6)]:
            with self.subTest(path=path):
                r = good_results()
                parent, key = at(r, path)
                if isinstance(parent, list):
                    parent[key] = None  # a client that wrote no report
                elif key == "loadgen":
                    parent[key] = None
                else:
                    del parent[key]
                found = row_check.problems(r, PARTS)
                self.assertTrue(any(row_of(path) in row for row, _ in found), (path, found))

    def test_a_part_without_result_or_with_an_error_fails(self):
        for part in PARTS:
            with self.subTest(part=part, kind="missing"):
                r = good_results()
                del r[part]
                found = row_check.problems(r, PARTS)
                self.assertIn((part, "no report (the part wrote no result)"), found)
            with self.subTest(part=part, kind="error"):
                r = good_results()
                r["errors"][part] = "gateway did not start"
                self.assertIn((part, "failed: gateway did not start"),
                              row_check.problems(r, PARTS))

    def test_a_failed_profile_fails_the_floor_rows(self):
        for key in ("profile_ws", "profile_rollcall"):
            with self.subTest(profile=key):
                r = good_results()
                r["fanout"][key] = {"error": "profile of ws: the client measured no step"}
                self.assertIn((f"fan-out {key}", "profile of ws: the client measured no step"),
                              row_check.problems(r, PARTS))

    def test_results_from_before_the_floor_server_still_pass(self):
        r = good_results()
        del r["fanout"]["send_floor"]
        self.assertEqual(row_check.problems(r, PARTS), [])

    def test_a_floor_server_that_did_not_start_is_named(self):
        r = good_results()
        r["fanout"]["send_floor"] = {"problems": ["rollcall-sendfloor did not start"]}
        found = row_check.problems(r, PARTS)
        self.assertIn(("fan-out send_floor", "rollcall-sendfloor did not start"), found)
        self.assertIn(("fan-out send_floor", "no step measured"), found)

    def test_refusals_and_client_failures_are_named_with_their_cause(self):
        cases = []
        for key in ("ws_reference", "send_floor", "rollcall_2kb", "rollcall_2kb_2threads",
                    "rollcall_real"):
            cases.append((("fanout", key, "problems"),
                          ["2000 of 2000 displays closed by the server with code 4401: token "
                           "unknown"], "4401"))
            cases.append((("fanout", key, "steps", 0, "failed"), 7, "7 displays refused"))
            cases.append((("fanout", key, "exit_code"), 1, "exited 1"))
        cases.append((("fanout", "rollcall_real", "loadgen", "failure"),
                      "desk connection-1: refused by the gateway with code 4401: this needs an "
                      "access token", "4401"))
        for i in range(6):
            cases.append((("presence", "six_gateways", "clients", i, "refused"), 3, "beacon client"))
            cases.append((("presence", "six_gateways", "clients", i, "failed"), 1, "beacon client"))
        for rate in (0, 1):
            cases.append((("latency", "runs", rate, "ok"), False, "load generator failed"))
        for fsync in ("everysec", "always"):
            cases.append((("ingest", fsync, "gateway_ok"), False, "load generator failed"))
            cases.append((("ingest", fsync, "gateway_failure"), "desk x: refused", "refused"))
        for i in range(4):
            cases.append((("across", "runs", i, "ok"), False, "load generator failed"))
            cases.append((("across", "runs", i, "failure"),
                          "display: refused by the gateway with code 4401", "4401"))
            cases.append((("across", "runs", i, "not_shown"), 3, "3 answered scans never"))
        cases.append((("export",), {"skipped": "rollcall-export is not built"}, "not built"))
        cases.append((("export",), {"error": "Traceback"}, "Traceback"))
        cases.append((("export", "verify", "exit_code"), 1, "verify"))
        for path, value, words in cases:
            with self.subTest(path=path):
                r = good_results()
                parent, key = at(r, path)
                parent[key] = value
                found = row_check.problems(r, PARTS)
                self.assertTrue(any(row_of(path) in row and words in cause
                                    for row, cause in found), (path, found))

    def test_an_interrupted_load_generator_is_expected_but_an_empty_one_is_not(self):
        r = good_results()
        r["fanout"]["rollcall_real"]["loadgen"]["failure"] = "interrupted by signal 2"
        self.assertEqual(row_check.problems(r, PARTS), [])
        r["fanout"]["rollcall_real"]["loadgen"]["scans"]["results"] = 0
        self.assertTrue(row_check.problems(r, PARTS))

    def test_across_needs_both_arrangements(self):
        for arrangement in ("across", "one_gateway"):
            with self.subTest(missing=arrangement):
                r = good_results()
                r["across"]["runs"] = [x for x in r["across"]["runs"]
                                       if x["arrangement"] != arrangement]
                self.assertIn(("across", f"no {arrangement} run (the row needs both, in the same "
                                         "run)"), row_check.problems(r, PARTS))

    def test_only_the_parts_that_ran_are_required(self):
        r = good_results()
        for part in PARTS[1:]:
            del r[part]
        self.assertEqual(row_check.problems(r, ["ingest"]), [])


class Report(unittest.TestCase):
    def run_report(self, results):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "results.json")
            with open(path, "w") as f:
                json.dump(results, f)
            docs = os.path.join(tmp, "docs")
            done = subprocess.run([sys.executable, os.path.join(BENCH_D, "report.py"), path, docs],
                                  capture_output=True, text=True, timeout=120,
                                  env=dict(os.environ, PATH="/usr/bin:/bin"))
            return done, os.path.exists(os.path.join(docs, "bench.md"))

    def test_report_refuses_a_row_that_measured_nothing(self):
        r = good_results()
        r["fanout"]["rollcall_real"]["steps"][0]["messages"] = 0
        done, written = self.run_report(r)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertFalse(written)
        self.assertIn("rollcall_real at 2000 displays: 0 messages delivered", done.stderr)

    def test_report_writes_a_complete_run(self):
        done, written = self.run_report(good_results())
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(written)


if __name__ == "__main__":
    unittest.main(verbosity=1)
