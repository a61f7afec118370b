#include "services/totals/totals_folder.h"

#include <google/protobuf/util/time_util.h>

#include "services/totals/counter_names.h"

namespace rollcall::services::totals {
namespace {

google::protobuf::Timestamp at(std::int64_t ms) {
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(ms);
}

using MinuteMap = google::protobuf::Map<std::string, std::int32_t>;

// Keeps the newest TotalsFolder::kArrivalMinutesKept minutes. Keys are "YYYY-MM-DDTHH:MM", so
// lexical order is time order.
void trim_minutes(MinuteMap* minutes, MinuteMap* changes) {
  if (minutes->size() <= TotalsFolder::kArrivalMinutesKept) return;
  std::set<std::string> keys;
  for (const auto& [minute, count] : *minutes) keys.insert(minute);
  auto it = keys.begin();
  for (auto excess = keys.size() - TotalsFolder::kArrivalMinutesKept; excess > 0; --excess, ++it) {
    minutes->erase(*it);
    if (changes) changes->erase(*it);
  }
}

// A snapshot states every headline figure, zero included.
void zero_headlines(v1::Totals* totals) {
  totals->set_onsite(0);
  totals->set_inside_now(0);
  totals->set_remote(0);
  totals->set_online_now(0);
  totals->set_peak_online(0);
  totals->set_hybrid(0);
}

}  // namespace

TotalsFolder::TotalsFolder(std::string event_id) {
  state_.set_event_id(std::move(event_id));
  zero_headlines(&state_);
  derive_figures(&state_);
}

void TotalsFolder::reset(std::uint64_t seq, const Counters& counters) {
  v1::Totals fresh;
  fresh.set_event_id(state_.event_id());
  zero_headlines(&fresh);
  state_ = std::move(fresh);
  pending_.Clear();
  pending_days_.clear();
  pending_desks_.clear();
  for (const auto& [name, value] : counters) apply_counter(name, value, nullptr);
  trim_arrivals(nullptr);
  derive_figures(&state_);
  derive_due_ = false;
  state_.set_seq(seq);
  // Displays that were following must resync: the next update refers to this seq.
  sent_seq_ = seq;
  synced_ = true;
}

TotalsFolder::Fold TotalsFolder::apply(const ChangeNotice& notice) {
  if (!synced_ || notice.seq <= state_.seq()) return synced_ ? Fold::stale : Fold::gap;
  if (notice.seq != state_.seq() + 1) return Fold::gap;
  for (const auto& counter : notice.set)
    apply_counter(notice.name(counter), counter.value, &pending_);
  trim_arrivals(&pending_);
  state_.set_seq(notice.seq);
  pending_.set_seq(notice.seq);
  if (notice.unset.empty()) return Fold::applied;
  for (const auto& name : notice.unset) forget_counter(name, &state_);
  // An update only adds and replaces (the display rule), so removals travel as a snapshot:
  // like reset(), the next update starts from this state.
  pending_.Clear();
  pending_days_.clear();
  pending_desks_.clear();
  sent_seq_ = state_.seq();
  return Fold::reshaped;
}

void TotalsFolder::apply_counter(std::string_view name, std::int64_t value, v1::Totals* changes) {
  const auto placement = totals::apply_counter(name, value, &state_);
  if (!placement.known || !changes) return;
  if (!placement.day.empty()) {
    if (!pending_days_.contains(placement.day)) pending_days_.emplace(placement.day);
  } else if (!placement.desk.empty()) {
    if (!pending_desks_.contains(placement.desk)) pending_desks_.emplace(placement.desk);
  } else {
    totals::apply_counter(name, value, changes);
  }
  derive_due_ |= placement.derived;
}

void TotalsFolder::settle() {
  if (!derive_due_) return;
  derive_due_ = false;
  derive_figures(&state_);
  pending_.set_countries_onsite(state_.countries_onsite());
  pending_.set_countries_remote(state_.countries_remote());
  pending_.set_countries_any(state_.countries_any());
  pending_.set_participants(state_.participants());
}

void TotalsFolder::trim_arrivals(v1::Totals* changes) {
  trim_minutes(state_.mutable_arrivals_by_minute(),
               changes ? changes->mutable_arrivals_by_minute() : nullptr);
  trim_minutes(state_.mutable_joins_by_minute(),
               changes ? changes->mutable_joins_by_minute() : nullptr);
}

std::optional<v1::TotalsUpdate> TotalsFolder::take_update(std::int64_t now_ms) {
  if (state_.seq() == sent_seq_) return std::nullopt;
  settle();
  v1::TotalsUpdate update;
  update.set_prev_seq(sent_seq_);
  auto* totals = update.mutable_totals();
  *totals = std::move(pending_);
  for (const auto& day : pending_days_) {
    (*totals->mutable_days())[day] = state_.days().at(day);
  }
  for (const auto& desk : pending_desks_) {
    (*totals->mutable_desks())[desk] = state_.desks().at(desk);
  }
  totals->set_event_id(state_.event_id());
  totals->set_seq(state_.seq());
  *totals->mutable_as_of() = at(now_ms);
  pending_.Clear();
  pending_days_.clear();
  pending_desks_.clear();
  sent_seq_ = state_.seq();
  return update;
}

v1::Totals TotalsFolder::snapshot(std::int64_t now_ms) const {
  v1::Totals totals = state_;
  if (derive_due_) derive_figures(&totals);
  *totals.mutable_as_of() = at(now_ms);
  return totals;
}

}  // namespace rollcall::services::totals
