#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::tools::demo {

// A plausible conference registry: countries skewed toward the host and large delegations with a
// long tail over real ISO 3166-1 codes, a handful of ministers, regulators and UN staff, names
// in several scripts, and international organizations without a country. Same seed, same rows.
std::vector<rollcall::v1::Badge> generate_registry(int badges, std::uint64_t seed);

// Writes the registry CSV (header badge_id,country,category,name,organization; UTF-8).
void write_registry_csv(const std::string& path, const std::vector<rollcall::v1::Badge>& rows);

}  // namespace rollcall::tools::demo
