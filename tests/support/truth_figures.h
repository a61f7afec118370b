#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/map.h>
#include <boost/json.hpp>

// Reading a scenario's truth (truth.json, venue_truth.json) beside what rollcall shows: the
// acceptance replays compare the two figure by figure.
namespace rollcall::tests::support {

using Tally = std::map<std::string, std::int64_t>;  // key -> count, zero entries left out

boost::json::object read_json(const std::string& path);
// A number of the truth (0 when absent: zero entries are left out).
std::int64_t figure(const boost::json::object& o, std::string_view name);
// A map of the truth, without zero entries.
Tally tally(const boost::json::object& o, std::string_view name);
// A map of Totals, without zero entries (a zone everyone left reads 0: the same as absent).
Tally tally(const google::protobuf::Map<std::string, std::int32_t>& map);
// {"key":count,...}, for failure messages.
std::string describe(const Tally& t);
// Lines (e.g. the differences found) one per line, for failure messages.
std::string joined(const std::vector<std::string>& lines);
// Today's date in `time_zone` ("YYYY-MM-DD"): the day a replay's events are moved to.
std::string today_in(const char* time_zone);

}  // namespace rollcall::tests::support
