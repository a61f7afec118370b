#!/usr/bin/python3
"""tools/bench.d/report.py: the Redis phase row counts the rounds whose gateway run and replay
had Redis spend more than a fifth apart per call. The fan-out row by step is met only when every
step is 2.5x below ws; a floor only when, at every step that misses, the server's system time
alone is above what the target allows (and, for p99, when one tick's sends alone outlast 40 ms);
otherwise missed; no floor is claimed from a result without system times. Beside
rollcall-sendfloor's run, the floor is what that send-only server did at the same step.

Usage: report_test.py REPO_ROOT"""
import os
import sys
import unittest

ROOT = sys.argv.pop(1) if len(sys.argv) > 1 else os.getcwd()
sys.path.insert(0, os.path.join(ROOT, "tools", "bench.d"))
import report  # noqa: E402


def step(n, cpu, system, p99, received=1.0):
    s = {"connections": n, "messages": n * 80, "server_cpu_seconds_per_million_messages": cpu,
         "delivery_ms": {"p99": p99}, "expected_per_second": n * 10.0,
         "messages_per_second": n * 10.0 * received}
    if system is not None:
        s["server_system_cpu_seconds_per_million_messages"] = system
    return s


def fan(mine, ws, floor=None):
    """mine, ws, floor (rollcall-sendfloor's run): {n: (cpu, system, p99)}"""
    out = {"rollcall_2kb": {"steps": [step(n, *v) for n, v in sorted(mine.items())]},
           "ws_reference": {"steps": [step(n, *v) for n, v in sorted(ws.items())]}}
    if floor is not None:
        out["send_floor"] = {"steps": [step(n, *v) for n, v in sorted(floor.items())]}
    return out


WS = {1000: (15.0, 8.0, 20.0), 10000: (12.5, 7.0, 400.0)}  # allowed: 6.0 and 5.0


class StepRows(unittest.TestCase):
    def verdicts(self, mine, ws=WS):
        rows = report.step_rows(fan(mine, ws))
        self.assertEqual(len(rows), 2)
        return rows[0][5], rows[1][5]

    def test_every_step_below_a_fifth_of_ws_over_two_is_met(self):
        cpu, p99 = self.verdicts({1000: (5.9, 4.0, 10.0), 10000: (4.9, 4.0, 39.0)})
        self.assertEqual(cpu, "**met**")
        self.assertEqual(p99, "**met**")

    def test_system_time_above_the_allowance_at_every_missed_step_is_a_floor(self):
        # 10,000 x 6.5 us = 65 ms of sends per tick: the p99 misses at the floor too.
        cpu, p99 = self.verdicts({1000: (9.0, 6.1, 15.0), 10000: (8.0, 6.5, 180.0)})
        self.assertIn("**floor**", cpu)
        self.assertIn("**floor**", p99)

    def test_one_step_with_system_time_below_the_allowance_is_missed(self):
        cpu, _ = self.verdicts({1000: (9.0, 5.9, 15.0), 10000: (8.0, 6.5, 180.0)})
        self.assertEqual(cpu, "**missed**")

    def test_a_step_that_meets_needs_no_floor(self):
        cpu, _ = self.verdicts({1000: (5.0, 4.0, 15.0), 10000: (8.0, 6.5, 180.0)})
        self.assertIn("**floor**", cpu)
        # ...and the verdict names it as met, not as a floor.
        self.assertIn("but 1,000 (met)", cpu)
        cpu, _ = self.verdicts({1000: (9.0, 6.5, 15.0), 10000: (8.0, 6.5, 180.0)})
        self.assertNotIn("met", cpu)

    def test_a_late_p99_whose_sends_fit_in_40_ms_is_missed_at_that_step(self):
        # 1,000 x 6.1 us = 6 ms of sends: 50 ms is not the floor.
        _, p99 = self.verdicts({1000: (9.0, 6.1, 50.0), 10000: (8.0, 6.5, 180.0)})
        self.assertEqual(p99, "**missed** at 1,000")

    def test_without_system_times_no_floor_is_claimed(self):
        cpu, p99 = self.verdicts({1000: (9.0, None, 15.0), 10000: (8.0, None, 180.0)})
        self.assertEqual(cpu, "**missed**")
        self.assertEqual(p99, "**missed** at 10,000")

    def test_steps_only_one_side_measured_are_left_out(self):
        rows = report.step_rows(fan({1000: (9.0, 6.1, 15.0), 5000: (8.0, 6.0, 60.0)}, WS))
        self.assertEqual(rows, [])  # one common step: nothing "by step" to show


class StepRowsBesideTheFloor(unittest.TestCase):
    """With rollcall-sendfloor's run, a floor is what a server that only sends did at that step,
    not rollcall's own system time."""
    def rows(self, mine, floor, ws=WS):
        return report.step_rows(fan(mine, ws, floor))

    def test_a_send_only_server_above_the_allowance_at_every_missed_step_is_a_floor(self):
        rows = self.rows({1000: (9.0, 5.0, 15.0), 10000: (8.0, 4.0, 180.0)},
                         {1000: (6.2, 5.9, 12.0), 10000: (5.1, 4.9, 950.0)})
        self.assertEqual(len(rows), 3)
        self.assertIn("**floor**", rows[0][5])
        self.assertIn("a server that only sends", rows[0][5])
        # The floor's own row: rollcall and ws each against it.
        self.assertIn("1.45 / 1.57", rows[1][1])  # 9.0 / 6.2, 8.0 / 5.1
        self.assertIn("2.42 / 2.45", rows[1][3])  # 15.0 / 6.2, 12.5 / 5.1
        self.assertEqual(rows[1][5], "info")
        self.assertIn("floor: 12.0 / 950 ms", rows[2][2])
        self.assertIn("**floor**", rows[2][5])
        self.assertIn("the same client", rows[2][5])

    def test_a_send_only_server_below_the_allowance_makes_a_miss_even_with_high_system_time(self):
        # rollcall's system time is above the allowance at both steps, but the floor at 1,000
        # spends less than 6.0: a server can meet it there.
        rows = self.rows({1000: (9.0, 6.5, 15.0), 10000: (8.0, 6.5, 180.0)},
                         {1000: (5.8, 5.5, 12.0), 10000: (5.1, 4.9, 950.0)})
        self.assertEqual(rows[0][5], "**missed**")

    def test_a_late_step_where_the_send_only_server_is_on_time_is_missed(self):
        # 10,000 x 6.5 us of sends alone outlast 40 ms, yet the floor was on time: missed.
        rows = self.rows({1000: (9.0, 6.1, 15.0), 10000: (8.0, 6.5, 180.0)},
                         {1000: (6.2, 5.9, 12.0), 10000: (5.1, 4.9, 38.0)})
        self.assertEqual(rows[2][5], "**missed** at 10,000")

    def test_a_send_only_server_whose_client_fell_behind_is_judged_by_its_walk(self):
        # At 10,000 its client received 90%: its 950 ms is no bound. Its walk at 4.9 us per
        # message (49 ms) outlasts 40 ms: a floor; at 3.5 us (35 ms) it does not: missed.
        mine = {1000: (9.0, 6.1, 15.0), 10000: (8.0, 6.5, 180.0)}
        rows = self.rows(mine, {1000: (6.2, 5.9, 12.0), 10000: (5.1, 4.9, 950.0, 0.9)})
        self.assertIn("**floor**", rows[2][5])
        rows = self.rows(mine, {1000: (6.2, 5.9, 12.0), 10000: (5.1, 3.5, 950.0, 0.9)})
        self.assertEqual(rows[2][5], "**missed** at 10,000")

    def test_where_its_client_fell_behind_the_send_only_servers_cpu_is_no_bound(self):
        # At 10,000 the floor's 9.0 is above the allowance (5.0) but its client got 90%: there
        # rollcall's own system time decides, 4.5 (missed) or 6.5 (floor).
        floor = {1000: (6.2, 5.9, 12.0), 10000: (9.0, 8.0, 950.0, 0.9)}
        rows = self.rows({1000: (9.0, 6.1, 15.0), 10000: (8.0, 4.5, 180.0)}, floor)
        self.assertEqual(rows[0][5], "**missed**")
        self.assertIn("no bound at 10,000", rows[1][3])
        rows = self.rows({1000: (9.0, 6.1, 15.0), 10000: (8.0, 6.5, 180.0)}, floor)
        self.assertIn("**floor**", rows[0][5])
        self.assertIn("at 10,000, where its client fell behind, rollcall's system time", rows[0][5])

    def test_a_floor_run_missing_a_step_falls_back_to_system_time(self):
        rows = self.rows({1000: (9.0, 6.1, 15.0), 10000: (8.0, 6.5, 180.0)},
                         {1000: (6.2, 5.9, 12.0)})
        self.assertEqual(len(rows), 2)
        self.assertIn("the system time alone", rows[0][5])
        self.assertIn("one tick's sends alone", rows[1][5])


class WsDoubt(unittest.TestCase):
    def test_a_ws_step_far_from_its_own_profile_run_is_named(self):
        fan = {"profile_ws": {"displays": 10000, "cpu_seconds_per_million": 12.83}}
        far = {"connections": 10000, "server_cpu_seconds_per_million_messages": 22.55}
        near = {"connections": 10000, "server_cpu_seconds_per_million_messages": 13.54}
        self.assertIn("22.55 against 12.83", report.ws_doubt(fan, far))
        self.assertEqual(report.ws_doubt(fan, near), "")
        # Another number of displays, or no profile: nothing to compare.
        self.assertEqual(report.ws_doubt(fan, dict(far, connections=5000)), "")
        self.assertEqual(report.ws_doubt({}, far), "")


class RedisPhase(unittest.TestCase):
    def round(self, gateway_us, replay_us):
        return {"cpu": {"redis_us_per_call": gateway_us}, "replay_redis_us_per_call": replay_us}

    def test_rounds_whose_two_runs_differ_by_more_than_a_fifth_are_counted(self):
        rows = report.redis_phase_row([self.round(50.0, 46.0), self.round(78.0, 49.0),
                                       self.round(48.0, 61.0)])
        self.assertEqual(len(rows), 1)
        self.assertIn("50.0 / 46.0 µs, 78.0 / 49.0 µs, 48.0 / 61.0 µs", rows[0][1])
        self.assertTrue(rows[0][2].startswith("2 of 3 rounds"), rows[0][2])
        self.assertEqual(rows[0][5], "info")

    def test_the_time_inside_the_function_is_shown_apart_when_every_round_has_it(self):
        def inside(gateway_us, replay_us, gateway_in, replay_in):
            r = self.round(gateway_us, replay_us)
            r["cpu"]["redis_us_in_fcall"] = gateway_in
            r["replay_redis_us_in_fcall"] = replay_in
            return r
        rows = report.redis_phase_row([inside(49.0, 45.3, 36.5, 34.2),
                                       inside(52.8, 47.5, 38.2, 35.8)])
        self.assertEqual(len(rows), 2)
        self.assertIn("36.5 / 34.2 µs, 38.2 / 35.8 µs", rows[1][1])
        self.assertIn("12.5 / 11.1 µs, 14.6 / 11.7 µs", rows[1][2])
        # A round without Redis's own count: no split, the first row alone.
        partial = [inside(49.0, 45.3, 36.5, 34.2), self.round(52.8, 47.5)]
        self.assertEqual(len(report.redis_phase_row(partial)), 1)

    def test_no_row_without_both_figures_in_every_round(self):
        self.assertEqual(report.redis_phase_row([self.round(50.0, 46.0), {"cpu": {}}]), [])
        self.assertEqual(report.redis_phase_row([self.round(50.0, 46.0)]), [])


if __name__ == "__main__":
    unittest.main()
