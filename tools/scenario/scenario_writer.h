#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/scenario/event_clock.h"
#include "tools/scenario/population.h"
#include "tools/scenario/timeline.h"

namespace rollcall::tools::scenario {

struct TimelineHeader {
  std::string scenario;
  std::uint64_t seed = 0;
  double scale = 1;
};

// The four files of a generated scenario (formats: docs/scenario.md). Each throws
// std::runtime_error when the file cannot be written.
void write_event(const std::filesystem::path& path, const rollcall::v1::Event& event);
void write_registry(const std::filesystem::path& path, const Population& population);
void write_timeline(const std::filesystem::path& path, const TimelineHeader& header,
                    const rollcall::v1::Event& event, const EventClock& clock,
                    const std::vector<Action>& actions);
void write_truth(const std::filesystem::path& path, const boost::json::object& truth);

// One timeline line, without the newline.
std::string timeline_line(const Action& action, const EventClock& clock);

// RFC 4180: quoted when the text holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

}  // namespace rollcall::tools::scenario
