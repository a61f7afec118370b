// gateway/server/ws_frame.cpp: server frame headers at every length boundary, and the client
// frame parser against Beast's own server (the oracle it replaces) on generated frames — valid,
// broken in every way RFC 6455 names, random — each also fed split at every byte or at random
// points, which must not change what is read.
#include "gateway/server/ws_frame.h"

#include <optional>
#include <random>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace rollcall::gateway::server::ws {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

// A client frame as the test builds it, rules broken on demand.
struct Frame {
  std::uint8_t opcode = 2;
  std::string payload;
  bool fin = true;
  bool masked = true;
  std::uint8_t rsv = 0;                // 0..7
  int length_form = 0;                 // 0: shortest; 2 or 8: that many extended length bytes
  std::uint64_t claimed = UINT64_MAX;  // a length other than the payload's (then cut short)
  std::array<std::uint8_t, 4> mask = {0x37, 0xFA, 0x21, 0x3D};
};

std::string encode(const Frame& f) {
  std::string out;
  out.push_back(static_cast<char>((f.fin ? 0x80 : 0) | (f.rsv << 4) | f.opcode));
  const std::uint64_t n = f.claimed == UINT64_MAX ? f.payload.size() : f.claimed;
  const int form = f.length_form ? f.length_form : n < 126 ? 0 : n <= 0xFFFF ? 2 : 8;
  const std::uint8_t mask_bit = f.masked ? 0x80 : 0;
  if (form == 0) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (form == 2) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i)));
  }
  if (f.masked) out.append(reinterpret_cast<const char*>(f.mask.data()), 4);
  for (std::size_t i = 0; i < f.payload.size(); ++i) {
    out.push_back(static_cast<char>(f.payload[i] ^ (f.masked ? f.mask[i % 4] : 0)));
  }
  return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  return p + std::string(reason);
}

// What a server made of a client's bytes: the messages it read, the pongs it sent, and the code
// of the close frame it sent (kCloseNoStatus for an empty one), if it sent one.
struct Verdict {
  std::vector<std::pair<bool, std::string>> messages;
  std::vector<std::string> pongs;
  std::optional<std::uint16_t> close;
  bool operator==(const Verdict&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Verdict& v) {
  out << v.messages.size() << " messages (";
  for (const auto& [text, data] : v.messages)
    out << (text ? "text " : "binary ") << data.size() << ", ";
  out << "), " << v.pongs.size() << " pongs, close "
      << (v.close ? std::to_string(*v.close) : std::string("none"));
  return out;
}

// Server frames as a client reads them (unmasked, final).
std::vector<std::pair<std::uint8_t, std::string>> read_server_frames(std::string_view bytes) {
  std::vector<std::pair<std::uint8_t, std::string>> frames;
  while (bytes.size() >= 2) {
    const auto op = static_cast<std::uint8_t>(bytes[0]) & 0x0F;
    std::uint64_t n = static_cast<std::uint8_t>(bytes[1]) & 0x7F;
    std::size_t at = 2;
    if (n == 126) {
      n = (std::uint64_t(static_cast<std::uint8_t>(bytes[2])) << 8) |
          static_cast<std::uint8_t>(bytes[3]);
      at = 4;
    } else if (n == 127) {
      n = 0;
      for (int i = 0; i < 8; ++i) n = (n << 8) | static_cast<std::uint8_t>(bytes[2 + i]);
      at = 10;
    }
    frames.emplace_back(op, std::string(bytes.substr(at, n)));
    bytes.remove_prefix(at + n);
  }
  return frames;
}

Verdict beast_verdict(const std::string& bytes, std::size_t max) {
  boost::asio::io_context io;
  beast::test::stream ts(io), peer(io);
  ts.connect(peer);
  websocket::stream<beast::test::stream&> ws(ts);
  ws.read_message_max(max);
  ws.auto_fragment(false);
  ts.append(
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  ws.accept();
  peer.clear();
  ts.append(bytes);
  Verdict v;
  for (;;) {
    beast::flat_buffer buffer;
    bool done = false;
    beast::error_code ec;
    ws.async_read(buffer, [&](beast::error_code e, std::size_t) {
      done = true;
      ec = e;
    });
    io.poll();
    io.restart();
    if (!done || ec) break;
    v.messages.emplace_back(ws.got_text(), beast::buffers_to_string(buffer.data()));
  }
  for (const auto& [op, payload] : read_server_frames(peer.str())) {
    if (op == 0xA) v.pongs.push_back(payload);
    if (op == 0x8) {
      v.close = payload.size() >= 2 ? std::uint16_t((static_cast<std::uint8_t>(payload[0]) << 8) |
                                                    static_cast<std::uint8_t>(payload[1]))
                                    : kCloseNoStatus;
    }
  }
  return v;
}

// The same bytes through ClientFrameParser, in pieces cut at `cuts`, answered as the display
// session answers: a ping with its pong, a close with its code, a failure with its code.
Verdict our_verdict(std::string_view bytes, std::size_t max, std::vector<std::size_t> cuts = {}) {
  ClientFrameParser parser(max);
  Verdict v;
  cuts.push_back(bytes.size());
  std::size_t from = 0;
  for (const auto cut : cuts) {
    std::string_view piece = bytes.substr(from, cut - from);
    from = cut;
    for (;;) {
      const auto event = parser.next(piece);
      using Kind = ClientEvent::Kind;
      if (event.kind == Kind::need_more) {
        EXPECT_TRUE(piece.empty());
        break;
      }
      if (event.kind == Kind::message)
        v.messages.emplace_back(event.text, std::string(event.payload));
      if (event.kind == Kind::ping) v.pongs.emplace_back(event.payload);
      if (event.kind == Kind::close || event.kind == Kind::failed) {
        v.close = event.kind == Kind::close ? close_answer(event.code) : event.code;
        return v;
      }
    }
  }
  return v;
}

constexpr std::size_t kMax = 64 * 1024;  // the display's frame limit (Limits::max_frame)

// Ours against Beast on `bytes`, whole and split: at every byte when short, else at every byte
// of the first and last 20 and at random points.
void expect_as_beast(const std::string& bytes, std::size_t max, const std::string& label,
                     std::mt19937& random) {
  SCOPED_TRACE(label);
  const auto beast = beast_verdict(bytes, max);
  const auto ours = our_verdict(bytes, max);
  EXPECT_EQ(ours, beast);
  std::vector<std::size_t> points;
  if (bytes.size() <= 300) {
    for (std::size_t i = 1; i < bytes.size(); ++i) points.push_back(i);
  } else {
    for (std::size_t i = 1; i < 20; ++i) points.push_back(i);
    for (std::size_t i = bytes.size() - 20; i < bytes.size(); ++i) points.push_back(i);
    for (int i = 0; i < 20; ++i) points.push_back(1 + random() % (bytes.size() - 1));
  }
  for (const auto at : points) {
    ASSERT_EQ(our_verdict(bytes, max, {at}), ours) << "split at " << at;
  }
  // And byte by byte, for the short ones.
  if (bytes.size() <= 300) {
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < bytes.size(); ++i) every.push_back(i);
    EXPECT_EQ(our_verdict(bytes, max, every), ours) << "one byte at a time";
  }
}

TEST(WsFrame, ServerHeadersAtEveryLengthBoundary) {
  for (const std::uint64_t n : {0ULL, 1ULL, 125ULL, 126ULL, 127ULL, 65535ULL, 65536ULL, 65537ULL,
                                (1ULL << 32) + 5, (1ULL << 62)}) {
    for (const auto op : {Opcode::text, Opcode::binary, Opcode::close, Opcode::ping}) {
      std::array<std::uint8_t, kMaxServerHeader> header;
      const auto size = server_header(op, n, header);
      EXPECT_EQ(size, n < 126 ? 2u : n <= 65535 ? 4u : 10u) << n;
      EXPECT_EQ(header[0], 0x80 | static_cast<std::uint8_t>(op));
      EXPECT_EQ(header[1] & 0x80, 0) << "a server frame is never masked";
      const auto short_length = header[1] & 0x7F;
      std::uint64_t read = short_length;
      if (short_length == 126) read = (std::uint64_t(header[2]) << 8) | header[3];
      if (short_length == 127) {
        read = 0;
        for (int i = 0; i < 8; ++i) read = (read << 8) | header[2 + i];
      }
      EXPECT_EQ(read, n);
    }
  }
  for (const std::size_t n : {0u, 125u, 126u, 65535u, 65536u, 70000u}) {
    const std::string payload(n, 'p');
    const auto frames = read_server_frames(server_frame(Opcode::binary, payload));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].first, 2);
    EXPECT_EQ(frames[0].second, payload);
  }
}

TEST(WsFrame, CloseFramesFitAControlFrameAndNeverCutACharacter) {
  for (std::size_t n = 0; n < 200; ++n) {
    std::string reason;
    while (reason.size() < n) reason += "é";  // two bytes each
    const auto frames = read_server_frames(close_frame(kClosePolicy, reason));
    ASSERT_EQ(frames.size(), 1u);
    const auto& payload = frames[0].second;
    EXPECT_LE(payload.size(), kMaxControlPayload);
    EXPECT_EQ(payload.substr(0, 2), close_payload(kClosePolicy));
    EXPECT_EQ((payload.size() - 2) % 2, 0u) << "a character was cut";
    EXPECT_TRUE(reason.starts_with(payload.substr(2)));
  }
  EXPECT_EQ(close_frame(kCloseNoStatus), std::string("\x88\x00", 2));
}

TEST(WsFrame, MessagesAtEveryLengthBoundaryReadAsBeastReadsThem) {
  std::mt19937 random(17);
  for (const std::size_t max : {std::size_t{200}, kMax}) {
    for (const std::size_t n :
         {0u, 1u, 124u, 125u, 126u, 127u, 199u, 200u, 201u, 65535u, 65536u, 65537u, 70000u}) {
      for (const std::uint8_t op : {1, 2}) {
        Frame f{.opcode = op, .payload = std::string(n, 'a' + n % 26)};
        expect_as_beast(encode(f), max,
                        "max " + std::to_string(max) + " length " + std::to_string(n), random);
        // The same length in every longer length form is refused (not the shortest form).
        for (const int form : {2, 8}) {
          if ((form == 2 && n >= 126) || (form == 8 && n > 65535)) continue;
          f.length_form = form;
          expect_as_beast(encode(f), max, "non-minimal length " + std::to_string(n), random);
          EXPECT_EQ(our_verdict(encode(f), max).close, kCloseProtocolError);
          f.length_form = 0;
        }
      }
    }
  }
}

TEST(WsFrame, FragmentedMessagesAreJoinedUpToTheLimit) {
  std::mt19937 random(6455);
  const std::vector<std::string> characters = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  for (int round = 0; round < 400; ++round) {
    const bool text = round % 2;
    // The whole message: characters for text (one byte broken in some rounds), else any bytes.
    const std::size_t target = random() % (round % 5 == 0 ? 70000 : 300);
    std::string whole;
    while (whole.size() < target) {
      whole += text ? characters[random() % 4] : std::string(1, char(random()));
    }
    const bool broken = text && round % 7 == 1 && !whole.empty();
    if (broken) whole[random() % whole.size()] = char(0xC0 | (random() % 2));  // never valid
    // Cut anywhere, inside characters too: fragments, with pings between them.
    const int pieces = 1 + static_cast<int>(random() % 6);
    std::vector<std::size_t> cuts;
    for (int i = 1; i < pieces; ++i) cuts.push_back(whole.empty() ? 0 : random() % whole.size());
    std::sort(cuts.begin(), cuts.end());
    cuts.push_back(whole.size());
    std::string bytes;
    std::size_t from = 0;
    for (std::size_t i = 0; i < cuts.size(); ++i) {
      bytes += encode({.opcode = std::uint8_t(i == 0 ? (text ? 1 : 2) : 0),
                       .payload = whole.substr(from, cuts[i] - from),
                       .fin = i + 1 == cuts.size()});
      from = cuts[i];
      if (random() % 3 == 0) bytes += encode({.opcode = 9, .payload = "p" + std::to_string(i)});
    }
    expect_as_beast(bytes, kMax, "round " + std::to_string(round), random);
    const auto ours = our_verdict(bytes, kMax);
    if (broken) {  // the bad byte, unless a fragment before it went over the limit
      EXPECT_TRUE(ours.close == kCloseBadPayload ||
                  (whole.size() > kMax && ours.close == kCloseTooBig))
          << round;
    } else if (whole.size() > kMax) {
      EXPECT_EQ(ours.close, kCloseTooBig) << round;
    } else {
      ASSERT_EQ(ours.messages.size(), 1u) << round;
      EXPECT_EQ(ours.messages[0], std::make_pair(text, whole)) << round;
      EXPECT_FALSE(ours.close);
    }
  }
}

// Each frame is one event, whatever its pieces: a message's fragments (empty ones too) each
// say `fragment`, so a channel can charge every frame; a message that never ends (the FIN bit
// never set) cannot go on for free.
TEST(WsFrame, EveryFrameIsAnEventSoEachCanBeCharged) {
  std::mt19937 random(1006);
  for (int round = 0; round < 200; ++round) {
    std::string bytes;
    std::size_t frames = 0, messages = 0;
    const int count = 1 + static_cast<int>(random() % 4);
    for (int m = 0; m < count; ++m) {
      const int fragments = 1 + static_cast<int>(random() % 50);
      for (int i = 0; i < fragments; ++i) {
        const auto payload = random() % 3 == 0 ? std::string() : std::string(random() % 9, 'x');
        bytes += encode({.opcode = std::uint8_t(i == 0 ? 2 : 0),
                         .payload = payload,
                         .fin = i + 1 == fragments});
        ++frames;
        if (random() % 5 == 0) {
          bytes += encode({.opcode = 9, .payload = "p"});
          ++frames;
        }
      }
      ++messages;
    }
    // Whole, then cut at random points (a header or a mask split too).
    for (int split = 0; split < 4; ++split) {
      ClientFrameParser parser(kMax);
      std::size_t events = 0, whole_messages = 0;
      std::size_t from = 0;
      while (from < bytes.size()) {
        const auto size = split == 0 ? bytes.size() : 1 + random() % 11;
        std::string_view piece = std::string_view(bytes).substr(from, size);
        from += piece.size();
        for (;;) {
          const auto event = parser.next(piece);
          if (event.kind == ClientEvent::Kind::need_more) break;
          ASSERT_NE(event.kind, ClientEvent::Kind::failed) << event.error;
          ++events;
          if (event.kind == ClientEvent::Kind::message) ++whole_messages;
          if (event.kind == ClientEvent::Kind::fragment) EXPECT_LE(event.payload.size(), 8u);
        }
      }
      EXPECT_EQ(events, frames) << "round " << round << ", split " << split;
      EXPECT_EQ(whole_messages, messages) << "round " << round << ", split " << split;
    }
  }
}

// The same charges from the wire alone (FrameBoundaries, for the channels Beast reads): every
// frame but the client's close and large fragments, of every length form (7-bit, 16-bit, 64-bit),
// with control frames between fragments, in any pieces.
TEST(WsFrame, FrameBoundariesChargeEveryFrameOfAnyStreamCutAnywhere) {
  std::mt19937 random(2026);
  for (int round = 0; round < 200; ++round) {
    std::string bytes;
    std::size_t charged = 0;
    const int messages = 1 + static_cast<int>(random() % 4);
    for (int m = 0; m < messages; ++m) {
      const int frames = 1 + static_cast<int>(random() % 20);
      for (int i = 0; i < frames; ++i) {
        const auto form = random() % 10;
        const std::size_t size = form == 0  ? 70000 + random() % 100
                                 : form < 3 ? 126 + random() % 2000
                                            : random() % 126;
        const bool fin = i + 1 == frames;
        bytes += encode({.opcode = std::uint8_t(i == 0 ? 1 + random() % 2 : 0),
                         .payload = std::string(size, 'a'),
                         .fin = fin});
        charged += fin || charged_fragment(size);
        if (random() % 4 == 0) {
          bytes += encode({.opcode = std::uint8_t(9 + random() % 2)});
          ++charged;
        }
      }
    }
    if (round % 2) bytes += encode({.opcode = 8, .payload = std::string("\x03\xe8", 2)});  // free
    for (int split = 0; split < 3; ++split) {
      FrameBoundaries boundaries;
      std::size_t counted = 0;
      for (std::size_t from = 0; from < bytes.size();) {
        const auto size = split == 0 ? bytes.size() : split == 1 ? 1 : 1 + random() % 3000;
        const auto piece = std::string_view(bytes).substr(from, size);
        counted += boundaries.charged_in(piece);
        from += piece.size();
      }
      EXPECT_EQ(counted, charged) << "round " << round << ", split " << split;
    }
  }
  // After a length no client may send, nothing more is counted (Beast fails the connection).
  FrameBoundaries boundaries;
  std::string impossible = "\x82\xff\x80";
  impossible += std::string(7, '\0') + std::string(4, 'm');
  EXPECT_EQ(boundaries.charged_in(impossible), 1u);
  EXPECT_EQ(boundaries.charged_in(std::string(1000, '\x89')), 0u);
}

// Every rule of RFC 6455 a client can break, each alone after a valid message.
TEST(WsFrame, EveryProtocolViolationClosesWithItsCode) {
  std::mt19937 random(1002);
  const auto good = encode({.opcode = 2, .payload = "ok"});
  struct Case {
    std::string label;
    std::string bytes;
    std::uint16_t code;
  };
  std::vector<Case> cases;
  cases.push_back({"unmasked", encode({.payload = "x", .masked = false}), kCloseProtocolError});
  for (std::uint8_t rsv = 1; rsv < 8; ++rsv) {
    cases.push_back(
        {"rsv " + std::to_string(rsv), encode({.payload = "x", .rsv = rsv}), kCloseProtocolError});
  }
  for (const std::uint8_t op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
    cases.push_back({"opcode " + std::to_string(op), encode({.opcode = op, .payload = "x"}),
                     kCloseProtocolError});
  }
  for (const std::uint8_t op : {8, 9, 10}) {
    cases.push_back({"control of 126, op " + std::to_string(op),
                     encode({.opcode = op, .payload = std::string(126, 'c')}),
                     kCloseProtocolError});
    cases.push_back({"fragmented control, op " + std::to_string(op),
                     encode({.opcode = op, .payload = "c", .fin = false}), kCloseProtocolError});
  }
  cases.push_back(
      {"continuation first", encode({.opcode = 0, .payload = "x"}), kCloseProtocolError});
  cases.push_back(
      {"new message inside a fragmented one",
       encode({.opcode = 1, .payload = "a", .fin = false}) + encode({.opcode = 2, .payload = "b"}),
       kCloseProtocolError});
  cases.push_back(
      // (Over any limit before its top bit matters: Beast answers the same.)
      {"64-bit length with its top bit", encode({.claimed = 1ULL << 63}), kCloseTooBig});
  cases.push_back({"length over the limit", encode({.claimed = kMax + 1}), kCloseTooBig});
  cases.push_back({"huge length", encode({.claimed = (1ULL << 40)}), kCloseTooBig});
  cases.push_back(
      {"close of one byte", encode({.opcode = 8, .payload = "\x03"}), kCloseProtocolError});
  for (const std::uint16_t code : {0, 1, 999, 1004, 1005, 1006, 1014, 1015, 1016, 2000, 2999}) {
    cases.push_back({"close code " + std::to_string(code),
                     encode({.opcode = 8, .payload = close_payload(code)}), kCloseProtocolError});
  }
  cases.push_back({"close reason not UTF-8",
                   encode({.opcode = 8, .payload = close_payload(1000, "bye\xFF")}),
                   kCloseProtocolError});
  for (const std::string bad :
       {"\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "a\x80", "\xE2\x82"}) {
    cases.push_back(
        {"text not UTF-8", encode({.opcode = 1, .payload = "ok " + bad}), kCloseBadPayload});
  }
  // The peer's own close is answered with its code (an empty one with an empty close).
  for (const std::uint16_t code :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 3000, 4999, 65535}) {
    cases.push_back({"close " + std::to_string(code),
                     encode({.opcode = 8, .payload = close_payload(code, "fine é")}), code});
  }
  cases.push_back({"empty close", encode({.opcode = 8}), kCloseNormal});
  for (const auto& c : cases) {
    expect_as_beast(good + c.bytes, kMax, c.label, random);
    const auto ours = our_verdict(good + c.bytes, kMax);
    EXPECT_EQ(ours.messages.size(), 1u) << c.label;
    EXPECT_EQ(ours.close, c.code) << c.label;
    // Nothing after the failure is read.
    EXPECT_EQ(our_verdict(good + c.bytes + good, kMax).messages.size(), 1u) << c.label;
  }
}

TEST(WsFrame, ControlFramesAreAnsweredBetweenFragments) {
  std::mt19937 random(9);
  for (std::size_t n : {0u, 1u, 124u, 125u}) {
    const std::string payload(n, 'q');
    const auto bytes = encode({.opcode = 1, .payload = "he", .fin = false}) +
                       encode({.opcode = 9, .payload = payload}) +
                       encode({.opcode = 10, .payload = payload}) +
                       encode({.opcode = 0, .payload = "llo"});
    expect_as_beast(bytes, kMax, "ping of " + std::to_string(n), random);
    const auto ours = our_verdict(bytes, kMax);
    EXPECT_EQ(ours.pongs, std::vector<std::string>{payload});
    ASSERT_EQ(ours.messages.size(), 1u);
    EXPECT_EQ(ours.messages[0].second, "hello");
  }
}

// Random frames, mostly well-formed with one field gone wrong, and plain garbage: never a crash,
// the same verdict as Beast, however the bytes are cut.
TEST(WsFrame, RandomFramesAndGarbageReadAsBeastReadsThem) {
  std::mt19937 random(20261206);
  for (int round = 0; round < 3000; ++round) {
    std::string bytes;
    const int frames = 1 + static_cast<int>(random() % 5);
    for (int i = 0; i < frames; ++i) {
      Frame f;
      f.opcode = std::uint8_t(std::array{0, 1, 2, 8, 9, 10, 3, 2}[random() % 8]);
      f.payload.resize(random() % (random() % 4 == 0 ? 300 : 20));
      for (auto& c : f.payload) c = random() % 2 ? char('a' + random() % 26) : char(random());
      if (f.opcode == 8 && random() % 2) f.payload = close_payload(std::uint16_t(random()));
      f.fin = random() % 4 != 0;
      f.masked = random() % 20 != 0;
      f.rsv = random() % 20 == 0 ? std::uint8_t(random() % 8) : 0;
      for (auto& m : f.mask) m = std::uint8_t(random());
      bytes += encode(f);
    }
    if (round % 3 == 0) {  // garbage: random bytes, or frames with bytes flipped or cut
      if (random() % 2) {
        bytes.resize(random() % 64);
        for (auto& c : bytes) c = char(random());
      } else {
        for (int k = 0; k < 3 && !bytes.empty(); ++k)
          bytes[random() % bytes.size()] ^= char(1 << (random() % 8));
        bytes.resize(random() % (bytes.size() + 1));
      }
    }
    expect_as_beast(bytes, 300, "round " + std::to_string(round), random);
  }
}

}  // namespace
}  // namespace rollcall::gateway::server::ws
