#include "tools/scenario/timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "tools/scenario/event_clock.h"

namespace rollcall::tools::scenario {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;

enum Stream : std::uint64_t { kAttendance = 11, kDesks, kOdd, kOnline };

std::string numbered(const std::string& prefix, std::int64_t number, int width) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%0*lld", width, static_cast<long long>(number));
  return prefix + "-" + digits;
}

class Builder {
 public:
  Builder(const ScenarioConfig& config, const Random& random)
      : config_(config),
        attendance_(random.fork(kAttendance)),
        desks_(random.fork(kDesks)),
        odd_(random.fork(kOdd)),
        online_(random.fork(kOnline)) {
    for (const auto& [zone, count] : config.desks) desks_of_zone_[zone] = desk_ids(config, zone);
    for (const auto& [bridge, platform] : config.remote.bridges) platform_of_[bridge] = platform;
  }

  void attend(const Person& person);
  void eve_scan(const Person& person);
  void revoked_scans(const Person& person);
  void odd_badge(const std::string& badge_id, Note note);
  void go_online(const Person& person);
  void stray_leave(std::int64_t number);

  std::vector<Action> take() {
    std::sort(actions_.begin(), actions_.end(), [](const Action& a, const Action& b) {
      if (a.t_ms != b.t_ms) return a.t_ms < b.t_ms;
      return a.order < b.order;
    });
    return std::move(actions_);
  }

 private:
  int days() const { return config_.event.days_size(); }
  const std::string& main_zone() const { return config_.event.zones(0); }

  // A time of day in ms from a spread in minutes, with seconds drawn too.
  std::int64_t clock_ms(Random& r, const ClockSpread& spread) {
    const double minutes =
        std::clamp(r.normal(spread.mean, spread.sd), static_cast<double>(spread.earliest),
                   static_cast<double>(spread.latest));
    return static_cast<std::int64_t>(minutes * kMinuteMs);
  }
  std::int64_t between_minutes(Random& r, double from, double to) {
    return static_cast<std::int64_t>(r.uniform(from, to) * kMinuteMs);
  }

  void scan(const std::string& badge, const std::string& zone, bool in, int day,
            std::int64_t tod_ms, Note note, bool may_repeat);
  void presence(const Person& person, bool join, const Session& session, std::int64_t at_ms);
  void push(Action action) {
    action.order = actions_.size();
    actions_.push_back(std::move(action));
  }

  const ScenarioConfig& config_;
  Random attendance_;
  Random desks_;
  Random odd_;
  Random online_;
  std::map<std::string, std::vector<std::string>> desks_of_zone_;
  std::map<std::string, std::string> platform_of_;
  std::map<std::string, std::int64_t> desk_counter_;
  std::map<std::string, std::int64_t> bridge_counter_;
  std::vector<Action> actions_;
};

void Builder::scan(const std::string& badge, const std::string& zone, bool in, int day,
                   std::int64_t tod_ms, Note note, bool may_repeat) {
  const auto& desks = desks_of_zone_.at(zone);
  const auto& desk = desks[static_cast<std::size_t>(
      desks_.between(0, static_cast<std::int64_t>(desks.size()) - 1))];
  Action action;
  action.note = note;
  action.scan = {.scan_id = numbered(desk, ++desk_counter_[desk], 6),
                 .badge_id = badge,
                 .desk_id = desk,
                 .zone = zone,
                 .in = in,
                 .device_ms = day * kDayMs + tod_ms};
  action.t_ms = action.scan.device_ms;
  // A desk without network keeps scanning into its queue and sends the queue on reconnect:
  // the scans carry the time they were made and arrive as one burst.
  for (const auto& period : config_.offline) {
    if (period.desk == desk && period.day == day && tod_ms >= period.from * kMinuteMs &&
        tod_ms < period.to * kMinuteMs) {
      action.t_ms = day * kDayMs + period.to * kMinuteMs + (tod_ms - period.from * kMinuteMs) / 100;
      action.note = Note::offline_replay;
    }
  }
  // A desk that timed out waiting for a result sends the same scan again.
  const bool repeat = may_repeat && desks_.chance(config_.duplicate_share);
  const auto repeat_after = desks_.between(500, 5000);
  push(action);
  if (repeat) {
    action.t_ms += repeat_after;
    action.note = Note::duplicate;
    push(std::move(action));
  }
}

void Builder::attend(const Person& person) {
  const auto& model = config_.onsite;
  auto& r = attendance_;
  const int first = 1 + static_cast<int>(r.weighted(model.first_day_weights));
  const int length = 1 + static_cast<int>(r.weighted(model.days_weights));
  const int last = std::min(days(), first + length - 1);
  for (int day = first; day <= last; ++day) {
    if (day != first && !r.chance(model.attend_probability)) continue;
    const auto arrival = r.chance(model.arrival.late_share)
                             ? between_minutes(r, model.arrival.late_from, model.arrival.late_to)
                             : clock_ms(r, model.arrival);
    auto departure = clock_ms(r, model.departure);
    if (departure < arrival + 45 * kMinuteMs) {
      departure = std::min(arrival + r.between(45, 150) * kMinuteMs, 23 * 60 * kMinuteMs);
    }
    std::string zone = main_zone();
    // Crowds at the morning peak slip past without a scan; the first day always has its entry,
    // so everyone who came is counted.
    if (day == first || !r.chance(model.missed_entry)) {
      scan(person.badge_id, zone, true, day, arrival, Note::none, true);
    }
    auto last_ms = arrival;
    if (r.chance(model.double_entry)) {  // scanned again at the next desk: already inside
      last_ms = arrival + r.between(10'000, 180'000);
      scan(person.badge_id, zone, true, day, last_ms, Note::none, true);
    }
    bool inside = true;
    if (r.chance(model.lunch.share)) {
      const auto out = between_minutes(r, model.lunch.from, model.lunch.to);
      const auto back =
          out + r.between(model.lunch.min_minutes, model.lunch.max_minutes) * kMinuteMs;
      if (out > last_ms + 20 * kMinuteMs && out < departure - 60 * kMinuteMs) {
        scan(person.badge_id, zone, false, day, out, Note::none, true);
        last_ms = out;
        inside = back < departure - 10 * kMinuteMs;
        if (inside) {
          scan(person.badge_id, zone, true, day, back, Note::none, true);
          last_ms = back;
        }
      }
    }
    if (!inside) continue;  // left at lunch for good: that exit was the day's last scan
    if (config_.event.zones_size() > 1 && r.chance(model.side_event_share)) {
      const auto from = std::max<std::int64_t>(14 * 60 * kMinuteMs, last_ms + 10 * kMinuteMs);
      const auto to = departure - 30 * kMinuteMs;
      if (from < to) {
        // Straight from the plenary hall into a side event: a zone change, no exit scan.
        zone = config_.event.zones(1);
        last_ms = from + static_cast<std::int64_t>(r.uniform() * static_cast<double>(to - from));
        scan(person.badge_id, zone, true, day, last_ms, Note::none, true);
      }
    }
    if (!r.chance(model.missed_exit)) {
      scan(person.badge_id, zone, false, day, departure, Note::none, true);
    }
  }
}

void Builder::eve_scan(const Person& person) {
  // Badge pick-up is the day before: some try the gates already (wrong_day).
  scan(person.badge_id, main_zone(), true, 0, between_minutes(odd_, 16 * 60, 19 * 60), Note::eve,
       false);
}

void Builder::revoked_scans(const Person& person) {
  const auto times = odd_.between(config_.revoked_scans_min, config_.revoked_scans_max);
  for (std::int64_t i = 0; i < times; ++i) {
    scan(person.badge_id, main_zone(), true, static_cast<int>(odd_.between(1, days())),
         between_minutes(odd_, 8 * 60, 17 * 60), Note::revoked, false);
  }
}

void Builder::odd_badge(const std::string& badge_id, Note note) {
  scan(badge_id, main_zone(), true, static_cast<int>(odd_.between(1, days())),
       between_minutes(odd_, 8 * 60, 18 * 60), note, false);
}

void Builder::presence(const Person& person, bool join, const Session& session,
                       std::int64_t at_ms) {
  Action action;
  action.is_scan = false;
  action.bridge = person.bridge;
  action.t_ms = at_ms;
  auto& p = action.presence;
  p.presence_id = numbered(person.bridge, ++bridge_counter_[person.bridge], 7);
  p.join = join;
  p.participant_id = person.participant_id;
  p.badge_id = person.badge_id;
  // Platforms often know nobody's country: the registry fills it in for registered people.
  const bool platform_knows = person.badge_id.empty() || online_.chance(0.5);
  p.country = platform_knows ? person.country : std::string();
  p.category = platform_knows ? person.category : std::string();
  p.platform = platform_of_.at(person.bridge);
  p.session = session.name;
  p.time_ms = at_ms;
  const bool repeat = online_.chance(config_.remote.duplicate_share);
  const auto repeat_after = online_.between(200, 3000);
  push(action);
  if (repeat) {  // a bridge that lost an ack sends the item again
    action.t_ms += repeat_after;
    action.note = Note::duplicate;
    push(std::move(action));
  }
}

void Builder::go_online(const Person& person) {
  const auto& model = config_.remote;
  auto& r = online_;
  std::vector<double> weights;
  for (const auto& session : model.sessions) weights.push_back(session.weight);
  std::vector<std::size_t> chosen;
  const auto count = r.between(model.sessions_min, model.sessions_max);
  for (std::int64_t i = 0; i < count; ++i) {
    const auto pick = r.weighted(weights);
    if (weights[pick] <= 0) break;
    weights[pick] = 0;  // each session once
    chosen.push_back(pick);
  }
  std::sort(chosen.begin(), chosen.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = model.sessions[a];
    const auto& y = model.sessions[b];
    return std::pair(x.day, x.start) < std::pair(y.day, y.start);
  });
  for (const auto index : chosen) {
    const auto& session = model.sessions[index];
    const auto base = session.day * kDayMs;
    // A plenary's audience arrives within minutes of the start: the join storm.
    const auto join =
        base + (session.storm ? between_minutes(r, session.start - 3, session.start + 2)
                              : between_minutes(r, session.start - 5, session.start + 25));
    const auto end = base + between_minutes(r, session.end, session.end + 5);
    auto leave = r.chance(model.early_leave)
                     ? join + 5 * kMinuteMs +
                           static_cast<std::int64_t>(r.uniform() *
                                                     static_cast<double>(std::max<std::int64_t>(
                                                         1, end - join - 5 * kMinuteMs)))
                     : end;
    presence(person, true, session, join);
    if (r.chance(model.drop_rejoin) && leave - join > 10 * kMinuteMs) {
      const auto drop = join + 2 * kMinuteMs +
                        static_cast<std::int64_t>(
                            r.uniform() * static_cast<double>(leave - join - 7 * kMinuteMs));
      presence(person, false, session, drop);
      presence(person, true, session, drop + r.between(20'000, 180'000));
    }
    if (!r.chance(model.missed_leave)) presence(person, false, session, leave);
  }
}

void Builder::stray_leave(std::int64_t number) {
  // A leave for someone the bridge never announced (it restarted and forgot): already_left.
  const auto& [bridge, platform] = config_.remote.bridges[static_cast<std::size_t>(
      odd_.between(0, static_cast<std::int64_t>(config_.remote.bridges.size()) - 1))];
  Person ghost{.role = Role::online_unregistered};
  ghost.bridge = bridge;
  ghost.participant_id = platform + ":stray-" + std::to_string(number);
  const auto& session = config_.remote.sessions[static_cast<std::size_t>(
      odd_.between(0, static_cast<std::int64_t>(config_.remote.sessions.size()) - 1))];
  presence(ghost, false, session,
           session.day * kDayMs + between_minutes(odd_, session.start, session.end));
  actions_.back().note = Note::stray;
}

}  // namespace

std::vector<Action> build_timeline(const ScenarioConfig& config, const Population& population,
                                   const Random& random) {
  Builder builder(config, random);
  std::vector<const Person*> onsite;
  for (const auto& person : population.people) {
    if (person.role == Role::onsite) {
      builder.attend(person);
      onsite.push_back(&person);
    } else if (person.role == Role::revoked) {
      builder.revoked_scans(person);
    }
    if (!person.participant_id.empty()) builder.go_online(person);
  }
  auto eve = random.fork(21);
  for (std::int64_t i = 0; i < config.onsite.eve_scans && !onsite.empty(); ++i) {
    builder.eve_scan(*onsite[static_cast<std::size_t>(
        eve.between(0, static_cast<std::int64_t>(onsite.size()) - 1))]);
  }
  auto odd = random.fork(22);
  for (std::int64_t i = 0; i < config.unknown_badge_scans; ++i) {
    // Badges of the co-located event, shown at the wrong event's gate.
    builder.odd_badge(config.unknown_badge_prefix + std::to_string(odd.between(10'000, 99'999)),
                      Note::unknown_badge);
  }
  for (std::int64_t i = 0; i < config.malformed_scans; ++i) {
    // A phone camera reading some other QR code: not a badge at all.
    builder.odd_badge(config.malformed_url + std::to_string(odd.between(1, 999)), Note::malformed);
  }
  for (std::int64_t i = 0; i < config.remote.stray_leaves; ++i) builder.stray_leave(i + 1);
  return builder.take();
}

}  // namespace rollcall::tools::scenario
