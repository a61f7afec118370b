"""The one check every bench row passes before it is reported.

A row that measured nothing (no message delivered, no scan answered, clients refused or never
connected, a report that is missing) is a failure of the bench, not a figure: run_bench.py exits
non-zero naming the row and the cause, and report.py refuses to write docs/bench.md from it.

problems(results, parts=None) -> [(row, cause)], empty when every row measured something.
`parts`: the parts that ran (a part with neither a result nor an error is a missing report)."""

# The key each part writes into results.json.
PART_KEYS = {"ingest": "ingest", "latency": "latency", "fanout": "fanout",
             "presence": "presence", "scaling": "scaling", "across": "across",
             "export": "export"}


def _count(value):
    """A figure as a number; None when absent or not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _nothing(value):
    n = _count(value)
    return n is None or n <= 0


def _ingest(rows, name, x):
    if not isinstance(x, dict):
        rows.append((name, "no report"))
        return
    if x.get("gateway_ok") is False or x.get("gateway_failure"):
        rows.append((name, "the load generator failed: " + str(x.get("gateway_failure") or
                                                               "not every scan was answered")))
    if _nothing(x.get("scans")):
        rows.append((name, "0 scans answered through the gateway"))
    if _nothing(x.get("redis_benchmark_calls_per_second")):
        rows.append((name, "redis-benchmark measured nothing (its baseline is missing)"))
    replay = x.get("replay") or {}
    if _nothing(replay.get("calls_per_second")) or _nothing(replay.get("calls")):
        rows.append((name, "the replay of the gateway's calls measured nothing (its baseline is "
                     "missing)"))
    for i, r in enumerate(x.get("rounds") or [], 1):
        if _nothing(r.get("gateway")) or _nothing(r.get("replay")) or _nothing(
                r.get("redis_benchmark")):
            rows.append((name, f"round {i} measured nothing (gateway, replay or "
                               "redis-benchmark)"))


def _latency(rows, lat):
    runs = lat.get("runs") if isinstance(lat, dict) else None
    if not runs:
        rows.append(("latency", "no run measured"))
        return
    for run in runs:
        name = f"latency at {run.get('target_rate', '?')} scans/s"
        if run.get("ok") is False:
            rows.append((name, "the load generator failed: " +
                         str(run.get("failure") or "not every scan was answered")))
        if _nothing(run.get("scans")):
            rows.append((name, "0 scans answered"))
        if _nothing((run.get("scan_to_display") or {}).get("count")):
            rows.append((name, "the display received no update (scan-to-display is empty)"))


def _across(rows, acr):
    runs = acr.get("runs") if isinstance(acr, dict) else None
    if not runs:
        rows.append(("across", "no run measured"))
        return
    for arrangement in ("across", "one_gateway"):
        if not any(run.get("arrangement") == arrangement for run in runs):
            rows.append(("across", f"no {arrangement} run (the row needs both, in the same run)"))
    for run in runs:
        name = f"across, {run.get('arrangement', '?')} at {run.get('target_rate', '?')} scans/s"
        if run.get("ok") is False or run.get("failure"):
            rows.append((name, "the load generator failed: " +
                         str(run.get("failure") or "not every scan was answered")))
        if _nothing(run.get("scans")):
            rows.append((name, "0 scans answered"))
        if _nothing(run.get("display_updates")):
            rows.append((name, "the display received no update"))
        if _nothing(run.get("desks_followed")):
            rows.append((name, "no desk followed on the display (desk tokens without --desk?)"))
        if _nothing((run.get("scan_to_display") or {}).get("count")):
            rows.append((name, "no scan seen on the display (scan-to-display is empty)"))
        if _count(run.get("not_shown")) is None or run["not_shown"] > 0:
            rows.append((name, f"{run.get('not_shown', 'an unknown number of')} answered scans "
                         "never reached the display"))


def _fanout_run(rows, name, run, with_load=False):
    if not isinstance(run, dict):
        rows.append((name, "no report"))
        return
    for problem in run.get("problems") or []:
        rows.append((name, str(problem)))
    if run.get("exit_code"):
        rows.append((name, f"rollcall-benchclient exited {run['exit_code']}: "
                     f"{str(run.get('stderr', ''))[-300:]}"))
    steps = run.get("steps") or []
    if not steps:
        rows.append((name, "no step measured"))
    for step in steps:
        at = f"{name} at {step.get('connections', '?')} displays"
        if _nothing(step.get("connections")):
            rows.append((at, "no display connected"))
        if _count(step.get("failed")):
            rows.append((at, f"{step['failed']} displays refused or never connected"))
        if _nothing(step.get("messages")):
            rows.append((at, "0 messages delivered"))
        elif _nothing((step.get("delivery_ms") or {}).get("count")):
            rows.append((at, "no timestamped update delivered (only snapshots)"))
    if with_load or "loadgen" in run:  # the scans behind "real updates"
        load = run.get("loadgen")
        if not isinstance(load, dict):
            rows.append((name, "the load generator wrote no report"))
            return
        failure = str(load.get("failure") or "")
        if failure and not failure.startswith("interrupted"):  # stopped by the bench: expected
            rows.append((name, "the load generator failed: " + failure))
        if _nothing((load.get("scans") or {}).get("results")):
            rows.append((name, "the load generator had 0 scans answered (no real updates)"))


def _beacons(rows, name, x, wanted_key="beacons"):
    if not isinstance(x, dict):
        rows.append((name, "no report"))
        return
    if _nothing(x.get("online_counted")):
        rows.append((name, "0 beacons counted online"))
    clients = x.get("clients")
    if clients is None:
        return
    if not clients:
        rows.append((name, "no beacon client report"))
    for i, c in enumerate(clients):
        if not isinstance(c, dict):
            rows.append((name, f"beacon client {i} wrote no report"))
            continue
        if _count(c.get("failed")) or _count(c.get("refused")) or \
                _count(c.get("opened")) != _count(c.get("wanted")):
            rows.append((name, f"beacon client {i}: {c.get('opened')} of {c.get('wanted')} open"
                         + (f" ({c.get('first_error')})" if c.get("first_error") else "")))


def _export(rows, exp):
    if not isinstance(exp, dict):
        rows.append(("export", "no report"))
        return
    if "skipped" in exp:
        rows.append(("export", "skipped: " + str(exp["skipped"])))
        return
    if "error" in exp:
        rows.append(("export", "failed: " + str(exp["error"])[-300:]))
        return
    if _nothing(exp.get("log_entries")):
        rows.append(("export", "0 scans in the event log"))
    exports = exp.get("exports")
    if not exports:
        rows.append(("export", "no export measured"))
    for what, figures in (exports or {}).items():
        if _nothing((figures or {}).get("bytes")):
            rows.append((f"export {what}", "an empty file"))
    if (exp.get("verify") or {}).get("exit_code", 0) != 0:
        rows.append(("export", "rollcall-export verify failed: " +
                     str(exp["verify"].get("output", ""))))


def problems(results, parts=None):
    rows = []
    for part, error in (results.get("errors") or {}).items():
        rows.append((part, "failed: " + str(error)))
    for part in parts or ():
        if part not in (results.get("errors") or {}) and PART_KEYS.get(part) not in results:
            rows.append((part, "no report (the part wrote no result)"))
    for fsync, x in (results.get("ingest") or {}).items():
        _ingest(rows, f"ingest, appendfsync {fsync}", x)
    if "latency" in results:
        _latency(rows, results["latency"])
    fan = results.get("fanout")
    if fan is not None:
        for key in ("ws_reference", "send_floor", "rollcall_2kb", "rollcall_2kb_2threads",
                    "rollcall_real"):
            # Results from before rollcall-sendfloor have no floor run: the report then judges
            # by system time (report.step_rows). run_bench always writes one, failed or not.
            if key == "send_floor" and key not in fan:
                continue
            _fanout_run(rows, f"fan-out {key}", fan.get(key), with_load=key == "rollcall_real")
        for key in ("profile_ws", "profile_rollcall"):  # the floor row rests on both
            if isinstance(fan.get(key), dict) and fan[key].get("error"):
                rows.append((f"fan-out {key}", fan[key]["error"]))
    pres = results.get("presence")
    if pres is not None:
        _beacons(rows, "presence, one gateway", pres.get("one_gateway"))
        _beacons(rows, "presence, several gateways", pres.get("six_gateways"))
    for row in results.get("scaling") or []:
        _beacons(rows, f"scaling, {row.get('gateways', '?')} gateways", row)
    if "across" in results:
        _across(rows, results["across"])
    if "export" in results:
        _export(rows, results["export"])
    return rows


def describe(rows):
    return "\n".join(f"  {row}: {cause}" for row, cause in rows)
