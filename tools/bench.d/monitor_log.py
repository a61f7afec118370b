"""Reads what `redis-cli MONITOR` printed: each command as its arguments, unquoted as Redis
quoted them (sdscatrepr: \\\\, \\", \\n, \\r, \\t, \\a, \\b and \\xHH), with the client that sent
it. tools/bench records the gateway's commands this way and replays them as its ingest baseline
(rollcall-redis-replay): Redis then does the same work with and without the gateway.

commands(lines, name, first=None) -> [[arg, ...]]: the commands clients sent (not those a script
ran) named `name` (any case), and whose first argument is `first` when given."""
import re

LINE = re.compile(r"^\d+\.\d+ \[\d+ (\S+)\] (.*)$")  # the client: lua, 1.2.3.4:5, [::1]:5
STAMP = re.compile(r"^\d+\.\d+ ")
ESCAPES = {"\\": b"\\", '"': b'"', "n": b"\n", "r": b"\r", "t": b"\t", "a": b"\a", "b": b"\b"}


def arguments(text):
    """The quoted arguments of one MONITOR line's tail, as bytes; ValueError when malformed."""
    args, i = [], 0
    while i < len(text):
        if text[i] != '"':
            raise ValueError(f"expected a quoted argument at {i}")
        i += 1
        arg = bytearray()
        while True:
            if i >= len(text):
                raise ValueError("an argument is not closed")
            c = text[i]
            if c == '"':
                i += 1
                break
            if c != "\\":
                arg += c.encode()
                i += 1
                continue
            e = text[i + 1:i + 2]
            if e in ESCAPES:
                arg += ESCAPES[e]
                i += 2
            elif e == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
                arg.append(int(text[i + 2:i + 4], 16))
                i += 4
            else:
                raise ValueError(f"an unknown escape at {i}")
        args.append(bytes(arg))
        if i < len(text):
            if text[i] != " ":
                raise ValueError(f"expected a space at {i}")
            i += 1
    return args


def commands(lines, name, first=None):
    out = []
    for line in lines:
        m = LINE.match(line.rstrip("\n"))
        if not m and STAMP.match(line):
            raise ValueError(f"a command line of an unknown shape: {line[:80]!r}")
        if not m or m.group(1) == "lua":
            continue  # "OK", or a command a function ran: part of its caller's work
        args = [a.decode("utf-8") for a in arguments(m.group(2))]
        if not args or args[0].lower() != name.lower():
            continue
        if first is not None and (len(args) < 2 or args[1] != first):
            continue
        out.append(args)
    return out
