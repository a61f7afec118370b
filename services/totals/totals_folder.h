#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "rollcall/v1/rollcall.pb.h"
#include "services/totals/change_notice.h"

namespace rollcall::services::totals {

// Folds an event's change notices into a live Totals snapshot and collects what changed since
// the last tick into one TotalsUpdate, so that all displays share one coalesced message.
class TotalsFolder {
 public:
  // Displays show recent arrivals only; older minutes stay in Redis and in the exports.
  static constexpr int kArrivalMinutesKept = 180;

  explicit TotalsFolder(std::string event_id);

  // reshaped: applied, but it removed something (a forgotten desk), which an update cannot say:
  // displays must be sent a fresh snapshot.
  enum class Fold { applied, stale, gap, reshaped };

  // Replaces the state by a fresh read of every counter at `seq`.
  void reset(std::uint64_t seq, const Counters& counters);
  // applied: folded in; stale: already included (seq <= current), ignored; gap: notices were
  // missed, the state is unchanged and the caller must reset() from a fresh read; reshaped:
  // folded in, and displays need a snapshot.
  Fold apply(const ChangeNotice& notice);

  // What changed since the previous call, or nullopt when nothing did.
  std::optional<v1::TotalsUpdate> take_update(std::int64_t now_ms);
  // The full state, stamped at now_ms.
  v1::Totals snapshot(std::int64_t now_ms) const;

  std::uint64_t seq() const { return state_.seq(); }
  bool synced() const { return synced_; }
  void mark_unsynced() { synced_ = false; }

 private:
  // Into the state, and into `changes` unless null.
  void apply_counter(std::string_view name, std::int64_t value, v1::Totals* changes);
  void trim_arrivals(v1::Totals* changes);
  // Derives the figures counted over the countries once per update, not once per notice: at a
  // thousand scans a second, most notices change a country counter.
  void settle();

  v1::Totals state_;
  v1::Totals pending_;  // changed parts since the last take_update (days copied at take time)
  // Maps of messages travel whole: copied at take time. Looked up by view (a scan names its day
  // and desk again and again).
  std::set<std::string, std::less<>> pending_days_;
  std::set<std::string, std::less<>> pending_desks_;
  std::uint64_t sent_seq_ = 0;  // seq of the last update taken (or of the last reset)
  bool synced_ = false;
  bool derive_due_ = false;  // a country counter changed since the figures were derived
};

}  // namespace rollcall::services::totals
