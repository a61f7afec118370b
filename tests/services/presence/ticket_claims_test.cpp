// A beacon ticket names only someone a beacon could be: its claims are checked like a join.
#include "services/presence/ticket_claims.h"

#include <gtest/gtest.h>

#include "services/auth/ticket.h"

namespace rollcall::services::presence {
namespace {

const registry::CountryCodes& countries() {
  static const auto codes =
      registry::CountryCodes::parse(R"({"3166-1": [{"alpha_2": "CH"}, {"alpha_2": "KE"}]})");
  return codes;
}

v1::Event event() {
  v1::Event e;
  e.set_event_id("igf-2025");
  e.add_categories()->set_id("youth");
  e.add_categories()->set_id("minister");
  return e;
}

v1::TicketRequest request() {
  v1::TicketRequest r;
  r.set_participant_id("jill@example.org");
  r.set_badge_id("B-100");
  r.set_country("ke");
  r.set_category("youth");
  return r;
}

TEST(TicketClaims, AValidRequestBecomesNormalizedClaimsForTheEvent) {
  v1::BeaconTicket claims;
  ASSERT_EQ(ticket_claims(request(), countries(), event(), 1000, &claims), std::nullopt);
  EXPECT_EQ(claims.event_id(), "igf-2025");
  EXPECT_EQ(claims.participant_id(), "jill@example.org");
  EXPECT_EQ(claims.badge_id(), "B-100");
  EXPECT_EQ(claims.country(), "KE");
  EXPECT_EQ(claims.category(), "youth");
  EXPECT_EQ(claims.issued_at(), 1000);
  EXPECT_EQ(claims.expires_at(), 1000 + auth::kDefaultTicketLifetimeSeconds);

  auto hour = request();
  hour.set_expires_in_seconds(3600);
  ASSERT_EQ(ticket_claims(hour, countries(), event(), 1000, &claims), std::nullopt);
  EXPECT_EQ(claims.expires_at(), 4600);
}

TEST(TicketClaims, WhatABeaconCouldNotBeGetsNoTicket) {
  v1::BeaconTicket claims;
  const auto refused = [&](auto change) {
    auto r = request();
    change(r);
    return ticket_claims(r, countries(), event(), 1000, &claims).has_value();
  };
  EXPECT_TRUE(refused([](auto& r) { r.clear_participant_id(); }));
  EXPECT_TRUE(refused([](auto& r) { r.set_participant_id("two words"); }));
  EXPECT_TRUE(refused([](auto& r) { r.set_participant_id(std::string(129, 'p')); }));
  EXPECT_TRUE(refused([](auto& r) { r.set_country("XX"); }));
  EXPECT_TRUE(refused([](auto& r) { r.set_category("emperor"); }));
  EXPECT_TRUE(refused([](auto& r) { r.set_badge_id("not a badge"); }));
  EXPECT_TRUE(refused([](auto& r) { r.set_expires_in_seconds(-1); }));
  EXPECT_TRUE(
      refused([](auto& r) { r.set_expires_in_seconds(auth::kMaxTicketLifetimeSeconds + 1); }));
  EXPECT_FALSE(refused([](auto& r) { r.set_expires_in_seconds(auth::kMaxTicketLifetimeSeconds); }));
  EXPECT_FALSE(refused([](auto& r) {
    r.clear_badge_id();
    r.clear_country();
    r.clear_category();
  }));
}

}  // namespace
}  // namespace rollcall::services::presence
