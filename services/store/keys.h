#pragma once

#include <string>
#include <string_view>

// Redis key layout, shared by the Redis functions (services/store/rollcall.lua), the importer
// and the gateway. Every per-event key carries the event as a cluster hash tag so that one
// event lives in one slot and its functions stay atomic under Redis Cluster.
namespace rollcall::services::store {

inline std::string tag(std::string_view event_id) {
  return "{" + std::string(event_id) + "}";
}

// Set of all event ids (not per event: only the importer touches it).
inline constexpr std::string_view kEventsKey = "rollcall:events";

// Hash: config (Event as proto JSON), days (",D1,D2," or ""), zones (",Z1,Z2," or "").
inline std::string event_key(std::string_view e) {
  return tag(e) + ":event";
}
// Hash per badge: country, category, name, organization, revoked ("1" when revoked).
inline std::string badge_key(std::string_view e, std::string_view badge_id) {
  return tag(e) + ":badge:" + std::string(badge_id);
}
// Hash of every counter of the event (field names: see services/totals/counter_names.h).
inline std::string counters_key(std::string_view e) {
  return tag(e) + ":counters";
}
// Stream: the event log, one entry per state change or rejected scan.
inline std::string log_key(std::string_view e) {
  return tag(e) + ":log";
}
// Hash of per-event secrets (e.g. "zoom": the webhook secret token). Never sent to clients.
inline std::string secrets_key(std::string_view e) {
  return tag(e) + ":secrets";
}
// Field of secrets_key: the key that MACs beacon tickets, 64 hex digits (services/auth/ticket.h).
inline constexpr std::string_view kTicketKeyField = "tickets";
// Set of every badge id in the registry (for exports).
inline std::string badges_key(std::string_view e) {
  return tag(e) + ":badges";
}
// String: a number the importer raises after every import, so that a gateway keeping an index
// of the registry (attendee lookup) knows to rebuild it by reading one key.
inline std::string registry_version_key(std::string_view e) {
  return tag(e) + ":registry_version";
}
// Hash: person id -> country, every explicit person id of the event's registry (person_id
// column), so that a venue made later links the persons its events share.
inline std::string persons_key(std::string_view e) {
  return tag(e) + ":persons";
}
// Set of the badges inside now (kept by the scan function).
inline std::string inside_key(std::string_view e) {
  return tag(e) + ":inside";
}
// Hash of access tokens: field = hex SHA-256 of the token, value = TokenRecord as proto JSON.
inline std::string tokens_key(std::string_view e) {
  return tag(e) + ":tokens";
}
// Hash of badge-signing public keys: field = key id, value = BadgeKey as proto JSON.
inline std::string badge_keys_key(std::string_view e) {
  return tag(e) + ":badge_keys";
}
// Set of the desks whose counters the event keeps (desk:ID:... in counters), at most
// --max-desks of them.
inline std::string desks_key(std::string_view e) {
  return tag(e) + ":desks";
}
// Set of the desks an organizer removed from the totals (rollcall-admin desk forget): their scans
// count, the desks are not tracked again until a token is issued for them anew.
inline std::string forgotten_desks_key(std::string_view e) {
  return tag(e) + ":forgotten_desks";
}
// Pub/sub channel: {"seq":N,"set":{"counter":value,...}} after every change, with
// "unset":["counter",...] when counters were removed (a forgotten desk).
inline std::string changes_channel(std::string_view e) {
  return tag(e) + ":changes";
}

// ---------------------------------------------------------------------------------------------
// Venues: a venue groups co-located events (docs/venues.md). Its keys carry "{@VENUE}" as their
// hash tag ("@" never starts an event id), so a venue's figures live in one slot of their own and
// the Function that folds the events' logs into them stays atomic under Redis Cluster. Counter
// names, the seq and the changes channel have an event's shape, so the totals hub, displays and
// the totals route serve a venue as they serve an event, under the feed id "@VENUE".

// Set of all venue ids.
inline constexpr std::string_view kVenuesKey = "rollcall:venues";

// The feed id of a venue where an event id is expected (counters, seq, tokens, changes).
inline std::string venue_feed(std::string_view venue_id) {
  return "@" + std::string(venue_id);
}
// Hash: config (Venue JSON: {"id","name","events":[...]}), events (",E1,E2,").
inline std::string venue_key(std::string_view v) {
  return tag(venue_feed(v)) + ":venue";
}
// Hash: person id -> country. The persons linked across the venue's events (an explicit
// person_id in a registry); one person, one country.
inline std::string venue_persons_key(std::string_view v) {
  return tag(venue_feed(v)) + ":persons";
}

// ---------------------------------------------------------------------------------------------
// Keys the Functions keep that only the admin tools name (the archive reads every key; the
// privacy rewrite walks these). rollcall.lua derives them from the tag.

// String: the number of the last change (raised by every Function that changes the event).
inline std::string seq_key(std::string_view e) {
  return tag(e) + ":seq";
}
// Hash per person: their attendance state.
inline std::string state_key(std::string_view e, std::string_view person) {
  return tag(e) + ":state:" + std::string(person);
}
// Hash per online participant (badge_id among its fields).
inline std::string participant_key(std::string_view e, std::string_view participant) {
  return tag(e) + ":participant:" + std::string(participant);
}
// Hash per connection holder: participant -> connections it holds.
inline std::string held_key(std::string_view e, std::string_view holder) {
  return tag(e) + ":held:" + std::string(holder);
}
// Sets of persons on site and of badges seen online; set of participants online now.
inline std::string onsite_key(std::string_view e) {
  return tag(e) + ":onsite";
}
inline std::string remote_badges_key(std::string_view e) {
  return tag(e) + ":remote_badges";
}
inline std::string remote_key(std::string_view e) {
  return tag(e) + ":remote";
}
// Hashes of what was answered: presence item id -> status, scan id -> outcome, registry
// request id -> answer.
inline std::string presence_ids_key(std::string_view e) {
  return tag(e) + ":presence_ids";
}
inline std::string scan_ids_key(std::string_view e) {
  return tag(e) + ":scan_ids";
}
inline std::string registry_requests_key(std::string_view e) {
  return tag(e) + ":registry_requests";
}
// Set of erased persons' marks (services/privacy erased_mark).
inline std::string erased_key(std::string_view e) {
  return tag(e) + ":erased";
}
// Stream: the rewritten log a shred or erasure builds before it replaces {E}:log (same slot).
inline std::string log_rewrite_key(std::string_view e) {
  return tag(e) + ":log_rewrite";
}
// A venue's fold of its events' persons: "{@V}:" + onsite, remote, person:E/P, inside_at,
// at:E:inside, at:E:state_day, participant, conns.
inline std::string venue_fold_key(std::string_view v, std::string_view suffix) {
  return tag(venue_feed(v)) + ":" + std::string(suffix);
}

}  // namespace rollcall::services::store
