#!/usr/bin/python3
"""tools/bench.d/monitor_log.py against a real redis-server: arguments of every awkward kind
(quotes, backslashes, control bytes, UTF-8, spaces, empty) sent to Redis come back byte for byte
from what `redis-cli MONITOR` printed; commands run by a script are left out; a line that is not
Redis' quoting is an error, never a guess.

Usage: monitor_log_test.py REPO_ROOT"""
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = sys.argv.pop(1) if len(sys.argv) > 1 else os.getcwd()
sys.path.insert(0, os.path.join(ROOT, "tools", "bench.d"))
import monitor_log  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class MonitorLog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="monitor-log-")
        cls.port = free_port()
        cls.redis = subprocess.Popen(
            ["redis-server", "--port", str(cls.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", cls.dir], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", cls.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @classmethod
    def tearDownClass(cls):
        cls.redis.terminate()
        cls.redis.wait(10)

    def capture(self, send):
        """What MONITOR printed while `send` (a list of RESP commands) ran, as lines."""
        path = os.path.join(self.dir, "monitor.txt")
        marker = f"end-{time.monotonic_ns()}"
        with open(path, "w") as out:
            mon = subprocess.Popen(["redis-cli", "-p", str(self.port), "monitor"], stdout=out)
            try:
                self.wait_for(path, "OK")  # MONITOR has attached
                with socket.create_connection(("127.0.0.1", self.port)) as s:
                    s.sendall(b"".join(send) + resp("ECHO", marker))
                    s.settimeout(10)
                    got = b""
                    while marker.encode() not in got:
                        more = s.recv(65536)
                        if not more:
                            raise RuntimeError("redis-server closed the connection")
                        got += more
                self.wait_for(path, marker)  # MONITOR has printed everything sent before it
            finally:
                mon.terminate()
                mon.wait(10)
        with open(path, encoding="utf-8") as f:
            return f.readlines()

    @staticmethod
    def wait_for(path, text, seconds=10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with open(path, encoding="utf-8", errors="replace") as f:
                if text in f.read():
                    return
            time.sleep(0.02)
        raise RuntimeError(f"MONITOR printed no {text!r} within {seconds} s")

    def test_every_argument_comes_back_as_sent(self):
        rnd = random.Random(2025)
        alphabet = ['"', "\\", "\n", "\r", "\t", "\a", "\b", "\x00", "\x7f", "\x1b", " ", "x",
                    "é", "ع", "中", "😀", "'", "\\x41", "\\n"]
        values = ["", " ", '"', "\\", "plain"] + [
            "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12))) for _ in range(300)]
        send = [resp("SET", f"k{i}", v) for i, v in enumerate(values)]
        got = monitor_log.commands(self.capture(send), "set")
        self.assertEqual(got, [["SET", f"k{i}", v] for i, v in enumerate(values)])

    def test_only_the_named_commands_and_never_a_scripts(self):
        send = [resp("SET", "a", "1"),
                resp("EVAL", "redis.call('SET', 'b', '2') return 1", "0"),
                resp("GET", "a"), resp("SET", "c", "3")]
        lines = self.capture(send)
        self.assertEqual(monitor_log.commands(lines, "SET"), [["SET", "a", "1"], ["SET", "c", "3"]])
        self.assertEqual(monitor_log.commands(lines, "set", first="c"), [["SET", "c", "3"]])
        self.assertTrue(any("lua" in line for line in lines), "the script's SET was printed")
        self.assertEqual(len(monitor_log.commands(lines, "EVAL")), 1)

    def test_a_line_that_is_not_redis_quoting_is_an_error(self):
        for tail in ['"open', '"a"b"', 'bare', '"a" bare', '"\\q"', '"\\x4"', '"\\xzz"', '"a"  "b"',
                     '"\\']:
            with self.assertRaises(ValueError, msg=tail):
                monitor_log.commands([f'1.5 [0 127.0.0.1:1] {tail}\n'], "a")
        # Lines of another shape (redis-cli's "OK") are not commands; a client over IPv6 is one.
        self.assertEqual(monitor_log.commands(["OK\n", "\n"], "set"), [])
        self.assertEqual(monitor_log.commands(['1.5 [0 [::1]:6000] "SET" "k" "v"\n'], "set"),
                         [["SET", "k", "v"]])
        with self.assertRaises(ValueError):
            monitor_log.commands(["1.5 [0 127.0.0.1:1\n"], "set")


if __name__ == "__main__":
    unittest.main(verbosity=2)
