#!/usr/bin/python3
"""tools/bench's driver: runs every benchmark against a baseline measured in the same run and
writes bench/results.json. Called by tools/bench (which sets the limits and builds); see there.

Every process it starts is its own child, stopped by pid when its part ends; every wait is
bounded in time; all traffic stays on 127.0.0.0/8."""
import argparse
import csv
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import monitor_log  # noqa: E402  (beside this file)
import row_check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
EVENT = "wsis20-2025"

PROFILES = {
    # scans per ingest run, ingest rounds (gateway then replay, the ratio their median),
    # redis-benchmark calls, latency runs (rate/s, scans), fan-out steps,
    # seconds measured per step, presence sizes, export badges (None: the piece's default)
    "full": dict(ingest_scans=40000, ingest_rounds=5, rb_calls=60000, desks=32,
                 latency=[(1000, 15000), (10000, 50000)],
                 fanout_steps=[1000, 2500, 5000, 10000], fanout_real_steps=[10000],
                 fanout_measure=8, fanout_warmup=2,
                 presence_one=19000, presence_many=100000, presence_gateways=6,
                 scaling_per_gateway=18000,
                 across=[(100, 2000), (1000, 10000), (3000, 18000)], across_desks=32,
                 export_badges=None, profile_seconds=8),
    "quick": dict(ingest_scans=8000, ingest_rounds=1, rb_calls=15000, desks=32,
                  latency=[(1000, 4000), (10000, 15000)],
                  fanout_steps=[500, 2000], fanout_real_steps=[2000],
                  fanout_measure=3, fanout_warmup=1,
                  presence_one=2000, presence_many=6000, presence_gateways=6,
                  scaling_per_gateway=2000,
                  across=[(100, 1000), (1000, 4000)], across_desks=32,
                  export_badges=1500, profile_seconds=4),
}

CHILDREN = []


def log(*parts):
    print("bench:", *parts, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, logfile, cpus=None, env=None):
    if cpus is not None and shutil.which("taskset"):
        args = ["taskset", "-c", cpus] + args
    out = open(logfile, "ab")
    proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env)
    CHILDREN.append(proc)
    return proc


def stop(proc, sig=signal.SIGTERM, wait=10):
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.send_signal(sig)
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def stop_all():
    for proc in reversed(CHILDREN):
        stop(proc, wait=5)


def wait_port(port, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_log(path, text, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(path, errors="replace") as f:
                if text in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def run(args, timeout, cpus=None, check=True):
    if cpus is not None and shutil.which("taskset"):
        args = ["taskset", "-c", cpus] + args
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])}... exited {done.returncode}: "
                           f"{(done.stderr or done.stdout).strip()[-600:]}")
    return done


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds():
    """CPU of this script's finished children (a load generator run by run())."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def open_files(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def proc_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def proc_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


class Redis:
    def __init__(self, work, name, appendfsync=None, cpus=None, extra=()):
        self.port = free_port()
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--save", "", "--protected-mode", "yes", "--maxclients", "1000",
                "--logfile", os.path.join(self.dir, "redis.log")]
        if appendfsync:
            args += ["--appendonly", "yes", "--appendfsync", appendfsync]
        else:
            args += ["--appendonly", "no"]
        args += list(extra)
        self.proc = start(args, os.path.join(self.dir, "stdout.log"), cpus=cpus)
        if not wait_port(self.port):
            raise RuntimeError("redis-server did not start")
        self.url = f"redis://127.0.0.1:{self.port}"

    def cli(self, *args, timeout=30):
        return run(["redis-cli", "-p", str(self.port)] + list(args), timeout).stdout.strip()

    def close(self):
        stop(self.proc)


class Gateway:
    def __init__(self, bins, work, name, redis, threads=1, cpus=None, extra=()):
        self.port = free_port()
        self.log = os.path.join(work, name + ".log")
        # Benchmarks push far beyond a desk's pace and run some Redis without AOF: the limits
        # and the durability check are lifted here (tests cover them).
        self.proc = start([bins["gateway"], "--listen", f"127.0.0.1:{self.port}", "--redis",
                           redis.url, "--threads", str(threads), "--tick-ms", "100",
                           "--durability", "none", "--messages-per-second", "1000000",
                           "--max-connections", "19800"] + list(extra),
                          self.log, cpus=cpus)
        if not wait_port(self.port) or not wait_log(self.log, "redis ready"):
            raise RuntimeError(f"gateway {name} did not start: see {self.log}")
        self.pid = self.proc.pid
        self.addr = f"127.0.0.1:{self.port}"

    def close(self):
        stop(self.proc)


def gateway_pid(gw):
    """The gateway's own pid (under taskset the Popen pid is the exec'd program itself)."""
    return gw.proc.pid


CPU_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def machine_cpu():
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:9]]


def cpu_shares(before, after):
    """The whole machine's time during a part, in % (softirq: loopback delivery not charged to
    any process; steal: time the hypervisor gave to other machines)."""
    d = [b - a for a, b in zip(before, after)]
    total = sum(d) or 1
    return {k: round(100 * v / total, 1) for k, v in zip(CPU_FIELDS, d)}


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    load = os.getloadavg()
    return {"nproc": os.cpu_count(), "cpu_model": model, "memory_gib": round(mem_kib / 2**20, 1),
            "kernel": platform.release(), "load_average_at_start": [round(x, 2) for x in load],
            "open_files_limit": __import__("resource").getrlimit(
                __import__("resource").RLIMIT_NOFILE)[0],
            "redis": run(["redis-server", "--version"], 10).stdout.strip().split(" sha=")[0],
            "node": run(["node", "--version"], 10).stdout.strip()}


# --- the scenario -------------------------------------------------------------------------
def make_scenario(bins, work):
    out = os.path.join(work, "wsis20")
    run([bins["scenario"], "--scenario", os.path.join(ROOT, "tools/scenario/wsis20.json"), "--seed",
         "2025", "--last-day", "yesterday", "--out", out], 120)
    with open(os.path.join(out, "truth.json")) as f:
        truth = json.load(f)
    header, scans = None, []
    with open(os.path.join(out, "timeline.jsonl")) as f:
        for line in f:
            item = json.loads(line)
            if item.get("type") == "header":
                header = item
            elif item.get("type") == "scan":
                scans.append(item)
    # Bench badges for redis-benchmark: __rand_int__ is 12 digits, so BENCH-000000000000...
    registry = os.path.join(out, "registry-bench.csv")
    with open(os.path.join(out, "registry.csv")) as src, open(registry, "w") as dst:
        dst.write(src.read())
        for i in range(10000):
            dst.write(f"BENCH-{i:012d},CH,other,Bench Person {i},rollcall bench,0\n")
    return {"dir": out, "truth": truth, "header": header, "scans": scans, "registry": registry,
            "event_file": os.path.join(out, "event.json"),
            "last_day": truth["dates"]["day5"]}


def write_timeline(scn, path, scans, spacing_ms=None):
    """A scans-only timeline; spacing_ms re-spaces them evenly (a steady rate at --speed x1)."""
    with open(path, "w") as f:
        f.write(json.dumps(scn["header"]) + "\n")
        for i, item in enumerate(scans):
            if spacing_ms is not None:
                item = dict(item, t_ms=i * spacing_ms)
            f.write(json.dumps(item) + "\n")
    return path


TOKENS = {}  # event -> {role: token, "file": path of `ROLE TOKEN` lines}


def import_event(bins, redis, event, registry, event_file=None):
    args = [bins["import"], "--event", event, "--registry", registry, "--redis", redis.url]
    if event_file:
        args += ["--event-file", event_file]
    run(args, 180)
    # Every client of the gateway needs a token of its role, issued as an organizer would.
    tokens = {}
    for role in ("desk", "platform", "display"):
        tokens[role] = run([bins["admin"], "token", "issue", "--redis", redis.url, "--event", event,
                            "--role", role, "--name", "bench " + role], 30).stdout.strip()
    tokens["file"] = os.path.join(os.path.dirname(registry), f"tokens-{event}")
    with open(tokens["file"], "w") as f:
        f.writelines(f"{role} {tokens[role]}\n" for role in ("desk", "platform", "display"))
    TOKENS[event] = tokens


def loadgen(bins, gw, timeline, scn, report, speed="max", desks=32, displays=1, timeout=300,
            cpus=None, display_gw=None, tokens=None):
    """display_gw: the displays connect there instead; tokens: another tokens file."""
    extra = ["--display-gateway", display_gw.addr] if display_gw else []
    done = run([bins["loadgen"], "--gateway", gw.addr, "--timeline", timeline, "--speed", speed,
                "--desks", str(desks), "--displays", str(displays), "--last-day", scn["last_day"],
                "--settle-ms", "500", "--report", report,
                "--tokens", tokens or TOKENS[EVENT]["file"]] + extra,
               timeout, cpus=cpus, check=False)
    try:
        with open(report) as f:
            result = json.load(f)
    except (OSError, ValueError):
        raise RuntimeError("loadgen wrote no report: " + (done.stderr or "")[-400:])
    if done.returncode != 0:
        result.setdefault("failure", (done.stderr or "").strip()[-300:])
    return result


def fresh_event_redis(bins, work, name, scn, appendfsync, cpus=None):
    redis = Redis(work, name, appendfsync, cpus=cpus)
    import_event(bins, redis, EVENT, scn["registry"], scn["event_file"])
    return redis


# --- 1. ingest ----------------------------------------------------------------------------
def redis_benchmark(redis, scn, calls, depth, clients, cpus):
    day = scn["last_day"]
    ms = str(int(time.time() * 1000))
    args = ["redis-benchmark", "-p", str(redis.port), "-n", str(calls), "-c", str(clients), "-P",
            str(depth), "-r", "10000", "--csv",
            "FCALL", "rollcall_scan", "1", "{" + EVENT + "}", "rb-__rand_int__-__rand_int__",
            "BENCH-__rand_int__", "rb-desk", "palexpo", "in", ms, ms, day, day + "T09:00", "0"]
    done = run(args, 300, cpus=cpus)
    rps = None
    for row in csv.reader(done.stdout.splitlines()):
        if len(row) >= 2 and row[0] != "test":
            try:
                rps = float(row[1])
            except ValueError:
                pass
    return rps


def record_scan_calls(bins, work, scn, timeline, cfg):
    """The gateway's own FCALL rollcall_scan commands for `timeline`, recorded with MONITOR in a
    run of their own (MONITOR slows Redis: never in a measured run), as a file of JSON lines for
    rollcall-redis-replay; and Redis' change count after them, to check the replay against."""
    redis = fresh_event_redis(bins, work, "redis-ingest-record", scn, "everysec", cpus="0")
    gw = Gateway(bins, work, "gateway-ingest-record", redis, threads=1, cpus="1")
    printed = os.path.join(work, "monitor.txt")
    with open(printed, "w") as out:
        mon = subprocess.Popen(["redis-cli", "-p", str(redis.port), "monitor"], stdout=out,
                               stderr=subprocess.DEVNULL)
        CHILDREN.append(mon)
        if not wait_log(printed, "OK"):
            raise RuntimeError("redis-cli monitor did not attach")
        report = loadgen(bins, gw, timeline, scn, os.path.join(work, "ingest-record.json"),
                         desks=cfg["desks"], cpus="1")
        # MONITOR may lag behind Redis: a marker sent last, once printed, says it has caught up.
        marker = f"end-of-recording-{time.monotonic_ns()}"
        redis.cli("ECHO", marker)
        if not wait_log(printed, marker, 60):
            raise RuntimeError("MONITOR did not catch up with the recording run")
        stop(mon)
    seq = redis.cli("GET", "{" + EVENT + "}:seq")
    gw.close()
    redis.close()
    if report.get("failure"):
        raise RuntimeError("the recording run failed: " + report["failure"])
    with open(printed, encoding="utf-8") as f:
        calls = monitor_log.commands(f, "FCALL", first="rollcall_scan")
    if not calls:
        raise RuntimeError("MONITOR recorded no FCALL rollcall_scan from the gateway")
    path = os.path.join(work, "scan-calls.jsonl")
    with open(path, "w") as f:
        f.writelines(json.dumps(args) + "\n" for args in calls)
    return {"path": path, "calls": len(calls), "seq": seq}


def fcall_usec(redis):
    """Redis's own count of FCALLs and the microseconds spent inside them (INFO commandstats):
    the function's work alone, without the event loop's reads and writes around it."""
    text = redis.cli("INFO", "commandstats")
    found = re.search(r"cmdstat_fcall:calls=(\d+),usec=(\d+)", text)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def us_in_fcall(before, after):
    calls = after[0] - before[0]
    return round((after[1] - before[1]) / calls, 1) if calls > 0 else None


def replay_scan_calls(bins, work, scn, recorded, fsync, depth, tag=""):
    """The baseline Redis does the same work in: the recorded calls on a fresh import, `depth` at
    a time from one connection (redis-benchmark's -c 1 -P N), with a subscriber on the change
    channel as the gateway's hub is. Its CPU per call, and the change count checked against the
    recording's: the replay changed what the gateway's calls changed."""
    redis = fresh_event_redis(bins, work, f"redis-ingest-replay-{fsync}{tag}", scn, fsync, cpus="0")
    try:
        # A gateway started and stopped: it loads the function library as in the measured run.
        Gateway(bins, work, f"gateway-ingest-replay-{fsync}{tag}", redis, threads=1,
                cpus="1").close()
        sub = start(["redis-cli", "-p", str(redis.port), "subscribe", "{" + EVENT + "}:changes"],
                    os.devnull, cpus="1")
        time.sleep(0.3)
        inside = fcall_usec(redis)
        cpu, t0 = proc_cpu_seconds(redis.proc.pid), time.monotonic()
        done = run([bins["redis_replay"], "--redis", redis.url, "--commands", recorded["path"],
                    "--depth", str(depth)], 300, cpus="1")
        cpu, wall = proc_cpu_seconds(redis.proc.pid) - cpu, time.monotonic() - t0
        inside = us_in_fcall(inside, fcall_usec(redis))
        stop(sub)
        seq = redis.cli("GET", "{" + EVENT + "}:seq")
    finally:
        redis.close()
    figures = json.loads(done.stdout)
    if figures["calls"] != recorded["calls"] or seq != recorded["seq"]:
        raise RuntimeError(f"the replay differs from the recording: {figures['calls']} calls, "
                           f"seq {seq}; recorded {recorded['calls']}, seq {recorded['seq']}")
    return {"calls_per_second": round(figures["calls_per_second"], 1), "calls": figures["calls"],
            "depth": depth, "redis_us_per_call": round(cpu / figures["calls"] * 1e6, 1),
            "redis_us_in_fcall": inside,
            "cpu0_redis_busy": round(cpu / wall, 2)}


def through_gateway(bins, work, scn, timeline, cfg, fsync, tag):
    """One measured replay of `timeline` through a gateway on a fresh import. Redis alone on
    CPU 0; the gateway (one io thread) and its load on CPU 1, as the baselines' clients are:
    Redis gets the same core in every measurement. Returns Redis and the gateway, still running,
    the loadgen's report and where each scan's CPU went."""
    redis = fresh_event_redis(bins, work, f"redis-ingest-{fsync}{tag}", scn, fsync, cpus="0")
    gw = Gateway(bins, work, f"gateway-ingest-{fsync}{tag}", redis, threads=1, cpus="1")
    inside = fcall_usec(redis)
    cpu = [proc_cpu_seconds(redis.proc.pid), proc_cpu_seconds(gw.pid), children_cpu_seconds()]
    t0 = time.monotonic()
    report = loadgen(bins, gw, timeline, scn, os.path.join(work, f"ingest-{fsync}{tag}.json"),
                     desks=cfg["desks"], cpus="1")
    wall = time.monotonic() - t0
    cpu = [b - a for a, b in zip(cpu, [proc_cpu_seconds(redis.proc.pid),
                                       proc_cpu_seconds(gw.pid), children_cpu_seconds()])]
    done = max(1, report["scans"]["results"])
    busy = {"redis_us_per_call": round(cpu[0] / done * 1e6, 1),
            "redis_us_in_fcall": us_in_fcall(inside, fcall_usec(redis)),
            "gateway_us_per_scan": round(cpu[1] / done * 1e6, 1),
            "loadgen_us_per_scan": round(cpu[2] / done * 1e6, 1),
            "cpu0_redis_busy": round(cpu[0] / wall, 2),
            "cpu1_gateway_and_loadgen_busy": round((cpu[1] + cpu[2]) / wall, 2)}
    return redis, gw, report, busy


def ingest(bins, work, scn, cfg, results):
    scans = scn["scans"][:cfg["ingest_scans"]]
    timeline = write_timeline(scn, os.path.join(work, "ingest.jsonl"), scans)
    out = {}
    profile = None
    log(f"ingest: recording the gateway's Redis calls for {len(scans)} scans (MONITOR)")
    recorded = record_scan_calls(bins, work, scn, timeline, cfg)
    for fsync in ("everysec", "always"):
        log(f"ingest, appendfsync {fsync}: {len(scans)} scans through the gateway")
        redis, gw, report, busy = through_gateway(bins, work, scn, timeline, cfg, fsync, "")
        first_busy = dict(busy)
        gw_rate = report["scans"]["per_second"]
        # The profile: a second replay of other scans, with perf attached to the gateway.
        if fsync == "everysec" and cfg.get("profile_seconds"):
            profile = profile_gateway(bins, work, gw, scn, cfg)
        gw.close()
        redis_cpu, t0 = proc_cpu_seconds(redis.proc.pid), time.monotonic()
        rb = redis_benchmark(redis, scn, cfg["rb_calls"], cfg["desks"], 1, cpus="1")
        redis_cpu = proc_cpu_seconds(redis.proc.pid) - redis_cpu
        busy["benchmark_redis_us_per_call"] = round(redis_cpu / cfg["rb_calls"] * 1e6, 1)
        busy["benchmark_cpu0_redis_busy"] = round(redis_cpu / (time.monotonic() - t0), 2)
        rb_clients = redis_benchmark(redis, scn, cfg["rb_calls"], 1, cfg["desks"], cpus="1")
        redis.close()
        replay = replay_scan_calls(bins, work, scn, recorded, fsync, cfg["desks"])
        # More rounds, each the gateway then both baselines a minute apart at most: the
        # machine's noise moves all three of a round alike, and each ratio is the rounds' median.
        # Each round keeps its CPU split and the replay's Redis CPU per call: Redis's cost per
        # call moves with the machine within minutes (45 to 80 us for the same calls), and a
        # round whose two runs differ much shows it (report.py's phase row).
        rounds = [{"gateway": gw_rate, "replay": replay["calls_per_second"],
                   "redis_benchmark": rb, "cpu": first_busy,
                   "replay_redis_us_per_call": replay.get("redis_us_per_call"),
                   "replay_redis_us_in_fcall": replay.get("redis_us_in_fcall")}]
        for i in range(2, cfg.get("ingest_rounds", 1) + 1):
            again_redis, again_gw, again, again_busy = through_gateway(bins, work, scn, timeline,
                                                                        cfg, fsync, f"-{i}")
            again_gw.close()
            if again.get("failure") or not again["scans"]["results"]:
                raise RuntimeError(f"ingest round {i}: " + (again.get("failure") or "0 scans"))
            again_rb = redis_benchmark(again_redis, scn, cfg["rb_calls"], cfg["desks"], 1,
                                       cpus="1")
            again_redis.close()
            again_replay = replay_scan_calls(bins, work, scn, recorded, fsync, cfg["desks"],
                                             f"-{i}")
            rounds.append({"gateway": again["scans"]["per_second"],
                           "replay": again_replay["calls_per_second"],
                           "redis_benchmark": again_rb, "cpu": again_busy,
                           "replay_redis_us_per_call": again_replay.get("redis_us_per_call"),
                           "replay_redis_us_in_fcall": again_replay.get("redis_us_in_fcall")})
        for r in rounds:
            r["ratio"] = round(r["gateway"] / r["replay"], 3)
            # redis-benchmark's CSV unread: no ratio for the round (row_check fails the row).
            r["benchmark_ratio"] = (round(r["gateway"] / r["redis_benchmark"], 3)
                                    if r["redis_benchmark"] else None)
        benchmark_ratios = [r["benchmark_ratio"] for r in rounds
                            if r["benchmark_ratio"] is not None]
        out[fsync] = {
            "gateway_scans_per_second": gw_rate,
            "gateway_ok": report.get("ok"), "gateway_failure": report.get("failure", ""),
            "scans": report["scans"]["results"],
            "by_status": report["scans"]["by_status"],
            "scan_to_result": report["scans"]["scan_to_result"],
            "desk_connections": cfg["desks"],
            "redis_benchmark_calls_per_second": rb,
            "redis_benchmark_args": f"-c 1 -P {cfg['desks']} -r 10000 -n {cfg['rb_calls']}",
            "redis_benchmark_clients_calls_per_second": rb_clients,
            "redis_benchmark_clients_args": f"-c {cfg['desks']} -P 1",
            "ratio": statistics.median(benchmark_ratios) if benchmark_ratios else None,
            "replay": replay,
            "rounds": rounds,
            "replay_ratio": statistics.median(r["ratio"] for r in rounds),
            "cpu": busy,
        }
        log(f"ingest {fsync}: gateway {gw_rate}/s, redis-benchmark {rb}/s (-P {cfg['desks']}), "
            f"{rb_clients}/s (-c {cfg['desks']}); gateway / the gateway's calls replayed "
            f"(-P {cfg['desks']}) and redis-benchmark, by round: " +
            ", ".join(f"{r['gateway']}/{r['replay']} = {r['ratio']}, "
                      f"/{r['redis_benchmark']} = {r['benchmark_ratio']} (gateway "
                      f"{r['cpu']['gateway_us_per_scan']} µs/scan, CPU 0/1 busy "
                      f"{r['cpu']['cpu0_redis_busy']}/{r['cpu']['cpu1_gateway_and_loadgen_busy']})"
                      for r in rounds))
    results["ingest"] = out
    if profile:
        results["profile"] = profile


def profile_gateway(bins, work, gw, scn, cfg):
    if not shutil.which("perf"):
        return {"error": "perf is not installed"}
    scans = scn["scans"][cfg["ingest_scans"]:cfg["ingest_scans"] * 2] or scn["scans"][:5000]
    timeline = write_timeline(scn, os.path.join(work, "profile.jsonl"), scans)
    data = os.path.join(work, "perf.data")
    perf = start(["perf", "record", "-F", "499", "-e", "cpu-clock", "-g", "-p", str(gw.pid),
                  "-o", data], os.path.join(work, "perf.log"))
    time.sleep(0.5)
    try:
        loadgen(bins, gw, timeline, scn, os.path.join(work, "profile-loadgen.json"),
                desks=cfg["desks"], cpus="1", timeout=120)
    except RuntimeError as e:
        log("profile replay:", e)
    stop(perf, signal.SIGINT, wait=60)
    return dict(perf_summary(data), scans=len(scans))


def perf_summary(data):
    """Top symbols and the share of each library (the kernel's among them) in a perf.data."""
    done = run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "symbol",
                "--percent-limit", "0.8", "-g", "none"], 180, check=False)
    top = []
    for line in done.stdout.splitlines():
        m = re.match(r"^\s+([0-9.]+)%\s+\[[.k]\]\s+(.*)$", line)
        if m:
            top.append({"percent": float(m.group(1)), "symbol": m.group(2).strip()[:160]})
    by_dso = run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso",
                  "--percent-limit", "0", "-g", "none"], 180, check=False)
    dsos = []
    for line in by_dso.stdout.splitlines():
        m = re.match(r"^\s+([0-9.]+)%\s+(\S+)\s*$", line)
        if m:
            dsos.append({"percent": float(m.group(1)), "dso": m.group(2)})
    if not dsos:
        raise RuntimeError(f"perf recorded nothing in {data}: {done.stderr.strip()[-300:]}")
    kernel = sum(d["percent"] for d in dsos if d["dso"].startswith("[kernel"))
    return {"tool": "perf record -e cpu-clock -g (hardware counters are not available here)",
            "top_symbols": top[:25], "by_dso": [d for d in dsos if d["percent"] >= 1][:12],
            "kernel_percent": round(kernel, 1)}


# How the display clients connect: 200 handshakes at a time, each connection from its own address
# (127.1.x.y): from a single address the kernel searches for a free port on every connect, which
# costs the client more than the server.
DISPLAY_CLIENTS = ["--parallel", "200", "--bind", "127.1.0.0/16"]
# How long a step's displays may take to open; no step measures its connect time. The ws
# reference, still broadcasting to those it has, accepts slowly past 5,000: 10,000 took 55 s and
# 103 s in two runs, and 8,811 had opened after 120 s in a third.
DISPLAY_OPEN_S = 300


def profile_displays(bins, work, key, server_pid, client_args, cfg):
    """The server under its largest fan-out step, profiled while the client measures: the
    kernel's share of its CPU is the part of a delivered message no server code can remove."""
    if not shutil.which("perf"):
        return {"error": "perf is not installed"}
    n = cfg["fanout_steps"][-1]
    # The last step's displays must be gone from the server first: one still closing them holds
    # their files, and at 20,000 open files a second 10,000 do not all open (8,157 in one run).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and open_files(server_pid) > 1000:
        time.sleep(0.5)
    report = os.path.join(work, f"profile-{key}.json")
    client_log = os.path.join(work, f"profile-{key}-client.log")
    client = start([bins["benchclient"], "displays"] + client_args +
                   ["--steps", str(n), "--warmup-s", str(cfg["fanout_warmup"]), "--measure-s",
                    str(cfg["profile_seconds"]), "--server-pid", str(server_pid), "--report",
                    report, "--open-timeout-s", str(DISPLAY_OPEN_S)] + DISPLAY_CLIENTS, client_log,
                   cpus="1")
    if not wait_log(client_log, "displays open", DISPLAY_OPEN_S + 20):
        stop(client)
        raise RuntimeError(f"profile of {key}: {n} displays did not open")
    time.sleep(cfg["fanout_warmup"])
    data = os.path.join(work, f"perf-{key}.data")
    run(["perf", "record", "-F", "499", "-e", "cpu-clock", "-g", "-p", str(server_pid), "-o", data,
         "--", "sleep", str(cfg["profile_seconds"])], cfg["profile_seconds"] + 60, check=False)
    client.wait(timeout=120)
    with open(report) as f:
        steps = json.load(f).get("steps") or []
    if not steps:  # the client gave up (displays that did not open): see client_log
        raise RuntimeError(f"profile of {key}: the client measured no step ({client_log})")
    step = steps[-1]
    if step["messages"] == 0:
        raise RuntimeError(f"profile of {key}: 0 messages delivered")
    per_million = step["server_cpu_seconds_per_million_messages"]
    summary = perf_summary(data)
    kernel = summary["kernel_percent"] / 100
    return dict(summary, displays=step["connections"], messages=step["messages"],
                cpu_seconds_per_million=per_million,
                kernel_cpu_seconds_per_million=round(per_million * kernel, 2),
                user_cpu_seconds_per_million=round(per_million * (1 - kernel), 2))


# --- 2. latency ---------------------------------------------------------------------------
def redis_rtt(redis, seconds):
    done = subprocess.run(["timeout", "-s", "INT", str(seconds), "redis-cli", "-p", str(redis.port),
                           "--latency", "--raw"], capture_output=True, text=True,
                          timeout=seconds + 10)
    parts = done.stdout.split()
    if len(parts) >= 4:
        return {"min_ms": float(parts[0]), "max_ms": float(parts[1]), "avg_ms": float(parts[2]),
                "samples": int(parts[3])}
    return None


def latency(bins, work, scn, cfg, results):
    redis = fresh_event_redis(bins, work, "redis-latency", scn, "everysec")
    rtt = redis_rtt(redis, 4)
    gw = Gateway(bins, work, "gateway-latency", redis, threads=2)
    runs = []
    offset = 0
    for rate, count in cfg["latency"]:
        scans = scn["scans"][offset:offset + count]
        offset += count
        # 1 ms apart at x1 = 1,000 scans/s; --speed x(rate/1000) gives the rate.
        timeline = write_timeline(scn, os.path.join(work, f"latency-{rate}.jsonl"), scans, 1)
        speed = f"x{rate / 1000:g}"
        log(f"latency at {rate} scans/s ({len(scans)} scans, --speed {speed})")
        report = loadgen(bins, gw, timeline, scn, os.path.join(work, f"latency-{rate}.json"),
                         speed=speed, desks=64, timeout=300)
        runs.append({"target_rate": rate, "achieved_rate": report["scans"]["per_second"],
                     "scans": report["scans"]["results"], "ok": report.get("ok"),
                     "failure": report.get("failure", ""),
                     "scan_to_result": report["scans"]["scan_to_result"],
                     "scan_to_display": report["scans"]["scan_to_display"]})
    gw.close()
    redis.close()
    floor = (rtt["avg_ms"] if rtt else 0) + 100
    results["latency"] = {"redis_rtt": rtt, "tick_ms": 100, "floor_display_ms": round(floor, 2),
                          "target_display_p99_ms": 110, "runs": runs}


# --- 3. fan-out ---------------------------------------------------------------------------
def benchclient_displays(bins, args, report, timeout):
    """The client's report; a failed client (refused, nothing received) keeps its report, with
    its exit code and the end of its stderr, for row_check to name."""
    done = run([bins["benchclient"], "displays"] + args + ["--report", report], timeout, cpus="1",
               check=False)
    try:
        with open(report) as f:
            result = json.load(f)
    except (OSError, ValueError):
        raise RuntimeError(f"rollcall-benchclient exited {done.returncode} and wrote no report: "
                           + (done.stderr or done.stdout).strip()[-600:])
    if done.returncode != 0:
        result["exit_code"] = done.returncode
        result["stderr"] = (done.stderr or "").strip()[-600:]
    return result


def fanout(bins, work, scn, cfg, results):
    steps = ",".join(str(s) for s in cfg["fanout_steps"])
    common = ["--measure-s", str(cfg["fanout_measure"]), "--warmup-s",
              str(cfg["fanout_warmup"]), "--open-timeout-s", str(DISPLAY_OPEN_S)] + DISPLAY_CLIENTS
    timeout = 120 + len(cfg["fanout_steps"]) * (cfg["fanout_measure"] + cfg["fanout_warmup"] + 30 +
                                                DISPLAY_OPEN_S)
    out = results["fanout"] = {}  # rows land as they are measured: a failed step keeps the others
    # The reference: npm's ws, 2 KB every 100 ms, server on CPU 0, client on CPU 1.
    log(f"fan-out: ws reference, {steps} clients")
    port = free_port()
    node = start(["node", os.path.join(HERE, "ws_reference/server.js"), str(port), "2048", "100"],
                 os.path.join(work, "ws-reference.log"), cpus="0")
    if not wait_port(port):
        raise RuntimeError("the ws reference server did not start")
    try:
        server = ["--port", str(port), "--format", "raw", "--target", "/"]
        out["ws_reference"] = benchclient_displays(
            bins, server + ["--steps", steps, "--server-pid", str(node.pid)] + common,
            os.path.join(work, "fanout-ws.json"), timeout)
        # A failed profile of the baseline leaves rollcall's rows to be measured (and its row
        # to be failed by row_check), not the whole part.
        try:
            out["profile_ws"] = profile_displays(bins, work, "ws", node.pid, server, cfg)
        except (RuntimeError, OSError, ValueError) as e:
            out["profile_ws"] = {"error": str(e)}
    finally:
        stop(node)
    time.sleep(2)

    # The floor beside both: a server that only calls send(2) with one frame built per tick
    # (rollcall-sendfloor), placed and measured as ws is. Its CPU per message, and the delivery
    # the same client sees from it, is what this machine gives any server while each message is
    # one loopback send.
    log(f"fan-out: send floor, {steps} clients")
    port = free_port()
    floor = start([bins["sendfloor"], str(port), "2048", "100"],
                  os.path.join(work, "send-floor.log"), cpus="0")
    try:
        if not wait_port(port):
            raise RuntimeError("rollcall-sendfloor did not start")
        out["send_floor"] = benchclient_displays(
            bins, ["--port", str(port), "--format", "raw", "--target", "/", "--steps", steps,
                   "--server-pid", str(floor.pid)] + common,
            os.path.join(work, "fanout-floor.json"), timeout)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        # Named by row_check; rollcall's rows are still measured.
        out["send_floor"] = {"problems": [str(e)]}
    finally:
        stop(floor)
    time.sleep(2)

    # rollcall: a bench event, Redis and the load on CPU 1, the gateway (one io thread) on CPU 0;
    # then the same gateway with two io threads on both CPUs (one lane each: one post per thread
    # per tick), for how fan-out scales with cores. On a 2-CPU machine its second thread shares
    # CPU 1 with the client and Redis.
    for key, threads, cpus in (("rollcall_2kb", 1, "0"), ("rollcall_2kb_2threads", 2, "0,1")):
        redis = Redis(work, f"redis-fanout-{threads}", None, cpus="1")
        registry = os.path.join(work, "fanout-registry.csv")
        with open(registry, "w") as f:
            f.write("badge_id,country,category,name,organization,revoked\n")
            f.write("FANOUT-1,CH,other,Fan Out,rollcall bench,0\n")
        import_event(bins, redis, "bench-fanout", registry)
        gw = Gateway(bins, work, f"gateway-fanout-{threads}", redis, threads=threads, cpus=cpus)
        try:
            log(f"fan-out: rollcall ({threads} io threads) with a synthetic ~2 KB update every "
                f"tick, {steps} displays")
            server = ["--port", str(gw.port), "--format", "rollcall", "--target",
                      "/v1/display?event=bench-fanout", "--publish-redis", str(redis.port),
                      "--publish-event", "bench-fanout", "--publish-keys", "249", "--publish-ms",
                      "100", "--token", TOKENS["bench-fanout"]["display"]]
            out[key] = benchclient_displays(
                bins, server + ["--steps", steps, "--server-pid", str(gw.pid)] + common,
                os.path.join(work, f"fanout-{key}.json"), timeout)
            if threads == 1:
                out["profile_rollcall"] = profile_displays(bins, work, "rollcall", gw.pid, server,
                                                           cfg)
        finally:
            gw.close()
            redis.close()
        time.sleep(2)

    # rollcall's real updates: scans of the wsis20 timeline at a steady 100/s during the run.
    redis = fresh_event_redis(bins, work, "redis-fanout-real", scn, None, cpus="1")
    gw = Gateway(bins, work, "gateway-fanout-real", redis, threads=1, cpus="0")
    real_steps = ",".join(str(s) for s in cfg["fanout_real_steps"])
    try:
        seconds = 150 if cfg is PROFILES["full"] else 60
        scans = scn["scans"][:100 * seconds]
        timeline = write_timeline(scn, os.path.join(work, "fanout-real.jsonl"), scans, 10)
        lg_report = os.path.join(work, "fanout-real-loadgen.json")
        lg = start([bins["loadgen"], "--gateway", gw.addr, "--timeline", timeline, "--speed", "x1",
                    "--desks", "8", "--displays", "1", "--last-day", scn["last_day"],
                    "--settle-ms", "0", "--report", lg_report, "--tokens", TOKENS[EVENT]["file"]],
                   os.path.join(work, "fanout-real-loadgen.log"), cpus="1")
        time.sleep(2)
        log(f"fan-out: rollcall with real updates (scans at 100/s), {real_steps} displays")
        out["rollcall_real"] = benchclient_displays(
            bins, ["--port", str(gw.port), "--format", "rollcall", "--target",
                   f"/v1/display?event={EVENT}", "--steps", real_steps, "--server-pid",
                   str(gw.pid), "--token", TOKENS[EVENT]["display"]] + common,
            os.path.join(work, "fanout-rollcall-real.json"), timeout)
        # The load generator writes its report when interrupted: what it did is part of the row.
        stop(lg, signal.SIGINT, wait=30)
        try:
            with open(lg_report) as f:
                out["rollcall_real"]["loadgen"] = json.load(f)
        except (OSError, ValueError):
            out["rollcall_real"]["loadgen"] = None
        log("fan-out real updates, load generator:",
            (out["rollcall_real"]["loadgen"] or {}).get("scans", {}).get("results"),
            "scans answered", (out["rollcall_real"]["loadgen"] or {}).get("failure", ""))
    finally:
        gw.close()
        redis.close()


# --- 4. presence --------------------------------------------------------------------------
def poll_counter(redis, event, field, want, seconds):
    start_t = time.monotonic()
    deadline = start_t + seconds
    value = 0
    while time.monotonic() < deadline:
        try:
            value = int(redis.cli("HGET", "{" + event + "}:counters", field) or 0)
        except (RuntimeError, ValueError):
            value = 0
        if value >= want:
            return value, time.monotonic()
        time.sleep(0.1)
    return value, None


def presence(bins, work, cfg, results):
    registry = os.path.join(work, "presence-registry.csv")
    with open(registry, "w") as f:
        f.write("badge_id,country,category,name,organization,revoked\n")
        f.write("PRESENCE-1,CH,other,Presence,rollcall bench,0\n")
    out = {}
    # One gateway, as many beacons as one process may hold.
    n = cfg["presence_one"]
    log(f"presence: {n} beacons on one gateway")
    redis = Redis(work, "redis-presence-one", "everysec")
    import_event(bins, redis, "bench-presence-1", registry)
    gw = Gateway(bins, work, "gateway-presence-one", redis, threads=2,
                 extra=["--beacon-timeout", "120"])
    rss0 = proc_rss_kib(gw.pid)
    cpu0 = proc_cpu_seconds(gw.pid)
    t0 = time.monotonic()
    client = start([bins["benchclient"], "beacons", "--port", str(gw.port), "--event",
                    "bench-presence-1", "--count", str(n), "--prefix", "one-", "--parallel", "1000",
                    "--bind", "127.1.0.0/16",
                    "--token", TOKENS["bench-presence-1"]["platform"],
                    "--hold-s", "240", "--report", os.path.join(work, "beacons-one.json")],
                   os.path.join(work, "beacons-one.log"))
    value, t1 = poll_counter(redis, "bench-presence-1", "online", n, 120)
    rss1 = proc_rss_kib(gw.pid)
    cpu1 = proc_cpu_seconds(gw.pid)
    remote = int(redis.cli("HGET", "{bench-presence-1}:counters", "remote") or 0)
    stop(client)
    try:
        with open(os.path.join(work, "beacons-one.json")) as f:
            client_report = json.load(f)
    except (OSError, ValueError):
        client_report = None
    gw.close()
    redis.close()
    out["one_gateway"] = {"beacons": n, "online_counted": value, "remote_counted": remote,
                          "join_storm_seconds": round(t1 - t0, 2) if t1 else None,
                          "gateway_rss_kib_before": rss0, "gateway_rss_kib_after": rss1,
                          "rss_kib_per_connection": round((rss1 - rss0) / n, 2),
                          "gateway_cpu_seconds": round(cpu1 - cpu0, 2),
                          "clients": [client_report]}
    log("presence one gateway:", {k: v for k, v in out["one_gateway"].items() if k != "clients"})
    time.sleep(2)

    # Six gateways sharing one Redis, six client processes, each from its own 127.N.0.0/16.
    out["six_gateways"] = beacons_across(bins, work, registry, cfg["presence_many"],
                                         cfg["presence_gateways"])
    log("presence six gateways:", {k: v for k, v in out["six_gateways"].items() if k != "clients"})
    results["presence"] = out

def beacons_across(bins, work, registry, n, g):
    """n beacons spread over g gateways sharing one Redis (client i's sockets from 127.(i+2).x.y)."""
    event = f"bench-presence-{g}x{n}"
    log(f"presence: {n} beacons across {g} gateways")
    redis = Redis(work, f"redis-{event}", "everysec")
    import_event(bins, redis, event, registry)
    gws = [Gateway(bins, work, f"gateway-{event}-{i}", redis, threads=1,
                   extra=["--beacon-timeout", "120"]) for i in range(g)]
    rss0 = [proc_rss_kib(x.pid) for x in gws]
    cpu0 = sum(proc_cpu_seconds(x.pid) for x in gws)
    share = [n // g + (1 if i < n % g else 0) for i in range(g)]
    t0 = time.monotonic()
    clients = [start([bins["benchclient"], "beacons", "--port", str(x.port), "--event",
                      event, "--count", str(share[i]), "--prefix", f"g{i}-",
                      "--token", TOKENS[event]["platform"],
                      "--bind", f"127.{i + 2}.0.0/16", "--parallel", "500", "--hold-s", "240",
                      "--report", os.path.join(work, f"beacons-{event}-{i}.json")],
                     os.path.join(work, f"beacons-{event}-{i}.log")) for i, x in enumerate(gws)]
    value, t1 = poll_counter(redis, event, "online", n, 150)
    rss1 = [proc_rss_kib(x.pid) for x in gws]
    cpu1 = sum(proc_cpu_seconds(x.pid) for x in gws)
    remote = int(redis.cli("HGET", "{" + event + "}:counters", "remote") or 0)
    online = int(redis.cli("HGET", "{" + event + "}:counters", "online") or 0)
    for c in clients:
        stop(c)
    client_reports = []
    for i in range(g):
        try:
            with open(os.path.join(work, f"beacons-{event}-{i}.json")) as f:
                client_reports.append(json.load(f))
        except (OSError, ValueError):
            client_reports.append(None)
    for x in gws:
        x.close()
    redis.close()
    seconds = round(t1 - t0, 2) if t1 else None
    return {"beacons": n, "gateways": g, "online_counted": online, "remote_counted": remote,
            "exact": online == n and remote == n, "join_storm_seconds": seconds,
            "joins_per_second": round(n / seconds) if seconds else None,
            "gateway_cpu_seconds": round(cpu1 - cpu0, 2),
            "rss_kib_per_connection": round((sum(rss1) - sum(rss0)) / max(1, n), 2),
            "clients": client_reports}


# --- 4b. scaling: 1, 2, 3 gateways, each holding as many beacons as one process may --------
def scaling(bins, work, cfg, results):
    registry = os.path.join(work, "scaling-registry.csv")
    with open(registry, "w") as f:
        f.write("badge_id,country,category,name,organization,revoked\n")
        f.write("PRESENCE-1,CH,other,Presence,rollcall bench,0\n")
    out = []
    for g in (1, 2, 3):
        row = beacons_across(bins, work, registry, cfg["scaling_per_gateway"] * g, g)
        log("scaling:", {k: v for k, v in row.items() if k != "clients"})
        out.append(row)
        time.sleep(2)
    results["scaling"] = out


# --- 4c. across gateways: a scan on gateway B shown on a display of gateway A -------------
class Sentinel:
    """redis-server --sentinel watching `primary` (quorum 2, down-after 1 s), as the cluster
    test starts them."""

    def __init__(self, work, name, master, primary):
        self.port = free_port()
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        conf = os.path.join(self.dir, "sentinel.conf")
        with open(conf, "w") as f:
            f.write(f"port {self.port}\nbind 127.0.0.1\ndaemonize no\ndir {self.dir}\n"
                    f"logfile {self.dir}/sentinel.log\n"
                    f"sentinel monitor {master} 127.0.0.1 {primary.port} 2\n"
                    f"sentinel down-after-milliseconds {master} 1000\n"
                    f"sentinel failover-timeout {master} 3000\n"
                    f"sentinel parallel-syncs {master} 1\n")
        self.proc = start(["redis-server", conf, "--sentinel"],
                          os.path.join(self.dir, "stdout.log"))
        if not wait_port(self.port):
            raise RuntimeError(f"sentinel {name} did not start: see {self.dir}/sentinel.log")

    def master(self, name):
        flat = run(["redis-cli", "-p", str(self.port), "SENTINEL", "MASTER", name], 10,
                   check=False).stdout.split("\n")
        return dict(zip(flat[0::2], flat[1::2]))


class Haproxy:
    """HAProxy with deploy/haproxy/haproxy.cfg, unchanged, every server line on one gateway: the
    hop clients take in production, while the bench still chooses the gateway."""

    def __init__(self, work, name, gw):
        self.port = free_port()
        env = dict(os.environ, ROLLCALL_HAPROXY_BIND=f"127.0.0.1:{self.port}",
                   ROLLCALL_HAPROXY_STATS=f"127.0.0.1:{free_port()}",
                   ROLLCALL_HAPROXY_MAXCONN="2000")
        for i in (1, 2, 3):
            env[f"ROLLCALL_GATEWAY_{i}"] = gw.addr
        config = os.path.join(ROOT, "deploy/haproxy/haproxy.cfg")
        self.proc = start(["haproxy", "-db", "-f", config], os.path.join(work, name + ".log"),
                          env=env)
        self.addr = f"127.0.0.1:{self.port}"
        # Its health checks pass a gateway after `rise 2` checks 2 s apart.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if http_status(self.port, "/readyz") == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"HAProxy {name} never passed /readyz through: see {work}/{name}.log")


def http_status(port, path):
    import http.client
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None


def resp(sock, *args):
    """One RESP command on a raw socket; the reply's first line (enough for SET, WAIT, PUBLISH)."""
    sock.sendall(b"".join([f"*{len(args)}\r\n".encode()] +
                          [f"${len(a.encode())}\r\n{a}\r\n".encode() for a in args]))
    return read_line(sock)


def read_line(sock):
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise RuntimeError("Redis closed the connection")
        data += chunk
    return data[:-2].decode()


def spread(samples_ms):
    if not samples_ms:
        return None
    xs = sorted(samples_ms)
    pick = lambda q: round(xs[min(len(xs) - 1, int(q * len(xs)))], 3)  # noqa: E731
    return {"count": len(xs), "p50_ms": pick(0.5), "p99_ms": pick(0.99),
            "max_ms": round(xs[-1], 3), "mean_ms": round(sum(xs) / len(xs), 3)}


def hops(primary, rounds=300):
    """The Redis hops a scan-to-display crosses, each alone: a write acknowledged by the replica
    (SET then WAIT 1, as the gateways' --redis-wait-replicas 1 does) and PUBLISH to a subscriber
    on another connection (the change notice reaching gateway A)."""
    waits, pubsub = [], []
    with socket.create_connection(("127.0.0.1", primary.port)) as cmd, \
            socket.create_connection(("127.0.0.1", primary.port)) as sub:
        sub.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$11\r\nbench:hops!\r\n")
        for _ in range(6):  # *3, $9, subscribe, $11, bench:hops!, :1
            read_line(sub)
        for i in range(rounds):
            t0 = time.perf_counter()
            resp(cmd, "SET", "bench:hops", str(i))
            if resp(cmd, "WAIT", "1", "1000") != ":1":
                raise RuntimeError("WAIT 1: the replica did not acknowledge")
            waits.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            resp(cmd, "PUBLISH", "bench:hops!", str(i))
            for _ in range(7):  # *3, $7, message, $11, bench:hops!, $N, i
                read_line(sub)
            pubsub.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.002)
    return {"set_and_wait_replica": spread(waits), "publish_to_subscriber": spread(pubsub)}


def desk_tokens(bins, redis, n, work):
    """A tokens file with a token of its own for each desk connection (issued with --desk NAME, so
    the display's desk counts follow each scan: rollcall-loadgen's scan_to_display_exact)."""
    path = os.path.join(work, "tokens-across")
    lines = [f"display {TOKENS[EVENT]['display']}"]
    for i in range(1, n + 1):
        name = f"connection-{i}"
        token = run([bins["admin"], "token", "issue", "--redis", redis.url, "--event", EVENT,
                     "--role", "desk", "--desk", name, "--name", "bench " + name], 30).stdout
        lines.append(f"desk:{name} {token.strip()}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def across_run(report, rate, arrangement, desk_via, display_via):
    s = report["scans"]
    return {"target_rate": rate, "arrangement": arrangement, "desks_via": desk_via,
            "displays_via": display_via, "achieved_rate": s["per_second"],
            "scans": s["results"], "ok": report.get("ok"), "failure": report.get("failure", ""),
            "retried_unavailable": s.get("retried_unavailable"),
            "scan_to_result": s["scan_to_result"],
            "scan_to_display": s.get("scan_to_display_exact"),
            "scan_to_display_first_message": s["scan_to_display"],
            "missing_a_tick": s.get("missing_a_tick"), "not_shown": s.get("not_shown"),
            "desks_followed": report["display"].get("desks_followed"),
            "display_updates": report["display"]["updates"],
            "display_interval": report["display"].get("interval")}


def across(bins, work, scn, cfg, results):
    master = "rollcall-bench"
    log("across: Redis primary + replica + 3 Sentinels")
    primary = Redis(work, "redis-across-primary", "everysec",
                    extra=["--repl-diskless-sync-delay", "0"])
    replica = Redis(work, "redis-across-replica", "everysec",
                    extra=["--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1",
                           str(primary.port)])
    sentinels = [Sentinel(work, f"sentinel-{i}", master, primary) for i in range(3)]
    probe = str(time.time())
    primary.cli("SET", "bench:probe", probe)
    deadline = time.monotonic() + 60
    while True:
        ready = "state=online" in primary.cli("INFO", "replication") and \
            replica.cli("GET", "bench:probe") == probe and \
            all(s.master(master).get("num-slaves") == "1" and
                s.master(master).get("num-other-sentinels") == "2" for s in sentinels)
        if ready:
            break
        if time.monotonic() > deadline:
            raise RuntimeError("the replica or the Sentinels were not ready within 60 s")
        time.sleep(0.2)
    import_event(bins, primary, EVENT, scn["registry"], scn["event_file"])
    tokens = desk_tokens(bins, primary, cfg["across_desks"], work)
    # Both gateways as in the cluster test: the primary found through the Sentinels, a scan
    # acknowledged once the replica has it.
    url = "redis+sentinel://" + ",".join(f"127.0.0.1:{s.port}" for s in sentinels) + "/" + master
    through_sentinels = type("SentinelRedis", (), {"url": url})()
    wait = ["--redis-wait-replicas", "1"]
    gw_a = Gateway(bins, work, "gateway-across-a", through_sentinels, threads=1, extra=wait)
    gw_b = Gateway(bins, work, "gateway-across-b", through_sentinels, threads=1, extra=wait)
    use_haproxy = shutil.which("haproxy") is not None
    if use_haproxy:
        log("across: HAProxy (deploy/haproxy/haproxy.cfg) in front of each gateway")
        front_a, front_b = Haproxy(work, "haproxy-a", gw_a), Haproxy(work, "haproxy-b", gw_b)
    else:
        front_a, front_b = gw_a, gw_b
    via = " through HAProxy" if use_haproxy else ""
    rtt = redis_rtt(primary, 3)
    measured_hops = hops(primary)
    log("across: hops alone:", measured_hops)
    runs = []
    offset = 0
    for rate, count in cfg["across"]:
        # The baseline first, then across, at each rate: the same machine state for both.
        for arrangement, display_front in (("one_gateway", front_b), ("across", front_a)):
            scans = scn["scans"][offset:offset + count]
            offset += count
            if len(scans) < count:
                # Each step needs scans Redis has not counted yet: a replayed one changes nothing.
                raise RuntimeError(f"across at {rate}/s: the scenario has {len(scn['scans'])} scans, "
                                   f"the steps need {offset}")
            timeline = write_timeline(scn, os.path.join(work, f"across-{arrangement}-{rate}.jsonl"),
                                      scans, 1)
            log(f"across: {arrangement} at {rate} scans/s ({len(scans)} scans)")
            report = loadgen(bins, front_b, timeline, scn,
                             os.path.join(work, f"across-{arrangement}-{rate}.json"),
                             speed=f"x{rate / 1000:g}", desks=cfg["across_desks"], timeout=300,
                             display_gw=display_front, tokens=tokens)
            row = across_run(report, rate, arrangement, "gateway B" + via,
                             ("gateway A" if display_front is front_a else "gateway B") + via)
            runs.append(row)
            log(f"across {arrangement} @ {rate}/s:", row["scan_to_display"],
                "missing a tick:", row["missing_a_tick"], row["failure"])
            time.sleep(1)
    results["across"] = {"tick_ms": 100, "target_display_p99_ms": 110, "haproxy": use_haproxy,
                         "redis": "primary + replica + 3 Sentinels, gateways "
                                  "--redis-wait-replicas 1",
                         "desks": cfg["across_desks"], "redis_rtt": rtt, "hops": measured_hops,
                         "runs": runs}


# --- 5. export ----------------------------------------------------------------------------
def export(bins, work, cfg, build, results):
    piece = None
    for candidate in ("tools/bench.d/export_bench", "tools/bench/export_bench"):
        path = os.path.join(ROOT, candidate)
        if os.path.isfile(path):
            piece = path
            break
    if not piece:
        results["export"] = {"skipped": "tools/bench.d/export_bench is not there"}
        return
    if not os.path.exists(os.path.join(build, "tools/export/rollcall-export")):
        results["export"] = {"skipped": "rollcall-export is not built"}
        return
    out = os.path.join(work, "export.json")
    args = [sys.executable, piece, out, "--build", build]
    if cfg["export_badges"]:
        args += ["--badges", str(cfg["export_badges"])]
    log("export:", " ".join(args[1:]))
    done = run(args, 420, check=False)
    try:
        with open(out) as f:
            results["export"] = json.load(f)
    except (OSError, ValueError):
        results["export"] = {"error": (done.stderr or done.stdout).strip()[-500:]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", default="", help="comma list: ingest,latency,fanout,presence,scaling,"
                                                    "across,export")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    a = parser.parse_args()
    cfg = PROFILES["quick" if a.quick else "full"]
    bins = {"gateway": "gateway/rollcall-gateway", "loadgen": "tools/loadgen/rollcall-loadgen",
            "scenario": "tools/scenario/rollcall-scenario", "import": "tools/import/rollcall-import",
            "benchclient": "tools/benchclient/rollcall-benchclient",
            "sendfloor": "tools/sendfloor/rollcall-sendfloor",
            "admin": "tools/admin/rollcall-admin",
            "redis_replay": "tools/redisreplay/rollcall-redis-replay"}
    bins = {k: os.path.join(a.build, v) for k, v in bins.items()}
    for name, path in bins.items():
        if not os.access(path, os.X_OK):
            print(f"tools/bench: {path} is not built", file=sys.stderr)
            return 1
    only = set(x for x in a.only.split(",") if x)
    work = tempfile.mkdtemp(prefix="rollcall-bench-")
    started = time.monotonic()
    results = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "profile": None, "mode": "quick" if a.quick else "full",
               "machine": machine(), "errors": {}}
    results.pop("profile")
    try:
        git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        results["commit"] = git.stdout.strip()
    except Exception:
        pass

    def part(name, fn, *args):
        if only and name not in only:
            return
        t = time.monotonic()
        cpu0 = machine_cpu()
        try:
            fn(*args)
        except Exception as e:  # a part that fails is reported, the others still run
            log(f"{name} failed: {e}")
            results["errors"][name] = str(e)[:800]
        finally:
            stop_all()
            CHILDREN.clear()
        results.setdefault("seconds", {})[name] = round(time.monotonic() - t, 1)
        results.setdefault("machine_cpu", {})[name] = cpu_shares(cpu0, machine_cpu())

    try:
        scn = None
        if not only or only & {"ingest", "latency", "fanout", "across"}:
            log("generating the wsis20 scenario")
            scn = make_scenario(bins, work)
            results["scenario"] = {"scans": len(scn["scans"]),
                                   "onsite": scn["truth"].get("onsite"),
                                   "remote": scn["truth"].get("remote")}
        part("ingest", ingest, bins, work, scn, cfg, results)
        part("latency", latency, bins, work, scn, cfg, results)
        part("fanout", fanout, bins, work, scn, cfg, results)
        part("presence", presence, bins, work, cfg, results)
        part("scaling", scaling, bins, work, cfg, results)
        part("across", across, bins, work, scn, cfg, results)
        part("export", export, bins, work, cfg, a.build, results)
    finally:
        stop_all()
        results["total_seconds"] = round(time.monotonic() - started, 1)
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
        if a.keep:
            log("work folder kept:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"wrote {a.out} in {results['total_seconds']} s")
    ran = [p for p in ("ingest", "latency", "fanout", "presence", "scaling", "across", "export")
           if not only or p in only]
    failed = row_check.problems(results, ran)
    if failed:
        log(f"{len(failed)} row(s) measured nothing or failed; not reported:\n"
            + row_check.describe(failed))
        return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
