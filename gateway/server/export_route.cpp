#include "gateway/server/export_route.h"

#include <charconv>

#include <google/protobuf/util/json_util.h>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "gateway/server/registry_loader.h"
#include "rollcall/v1/export.pb.h"
#include "services/export/export_job.h"
#include "services/export/scan_table.h"
#include "services/registry/event_config.h"
#include "services/registry/utf8.h"
#include "services/store/event_log_reader.h"

namespace rollcall::gateway::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ex = services::exporting;
namespace store = services::store;

constexpr std::size_t kChunk = 1000;               // log entries per XRANGE
constexpr std::size_t kRejectedScanLimit = 20000;  // log entries a dashboard poll may read
constexpr auto kWriteTimeout = std::chrono::seconds(30);

// The store's log entries as the export's (same id and fields, moved).
std::vector<ex::LogEntry> log_entries(std::vector<store::StreamEntry> page) {
  std::vector<ex::LogEntry> entries;
  entries.reserve(page.size());
  for (auto& entry : page) {
    entries.push_back({.id = std::move(entry.id), .fields = std::move(entry.fields)});
  }
  return entries;
}

// One page of the log: `args` (the pager's next read) on the shared connection, its reply
// parsed by the pager; nullopt, counted and logged as `site`, when Redis is away or its reply is
// not a log page.
template <class Pager>
asio::awaitable<std::optional<std::vector<ex::LogEntry>>> read_page(const Context& context,
                                                                    Pager& pager,
                                                                    std::vector<std::string> args,
                                                                    std::string_view site,
                                                                    const std::string& event_id) {
  auto [ec, reply] = co_await context.commands->async_exec(std::move(args), use_tuple);
  if (ec) {
    note_redis_failure(*context.metrics, site, event_id,
                       link_failure(ec, context.commands->last_error()));
    co_return std::nullopt;
  }
  auto page = pager.take(reply);
  if (!page) {
    note_redis_failure(*context.metrics, site, event_id, store_failure(page.error, reply));
    co_return std::nullopt;
  }
  co_return log_entries(std::move(*page.value));
}

asio::awaitable<void> send(FlexStream& stream, const Request& request,
                           http::response<http::string_body> response) {
  const bool keep_alive = request.keep_alive();
  response.keep_alive(keep_alive);
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  auto [ec, n] = co_await http::async_write(stream, response, use_tuple);
  if (ec) {
    beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  } else if (!keep_alive) {
    co_await stream.async_shutdown();
  }
}

asio::awaitable<void> send_error(FlexStream& stream, const Request& request, http::status status,
                                 std::string code, std::string message) {
  co_await send(stream, request,
                error_response(request, status, std::move(code), std::move(message)));
}

std::string query_param(const Request& request, std::string_view name) {
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) return "";
  const auto params = url->params();
  const auto it = params.find(name);
  return it == params.end() ? "" : std::string((*it).value);
}

std::optional<int> to_int(const std::string& text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

asio::awaitable<void> serve_export(FlexStream& stream, const Request& request,
                                   const Context& context, std::string event_id, std::string file) {
  const auto dot = file.rfind('.');
  const auto table = ex::parse_table(file.substr(0, dot));
  const auto format =
      dot == std::string::npos ? std::nullopt : ex::parse_format(file.substr(dot + 1));
  if (!table || !format) {
    auto listed = [](const std::vector<std::string_view>& names) {
      std::string text;
      for (const auto name : names) text += (text.empty() ? "" : ", ") + std::string(name);
      return text;
    };
    co_return co_await send_error(stream, request, http::status::not_found, "not_found",
                                  "no export named \"" + services::registry::quote_input(file) +
                                      "\": NAME.FORMAT with NAME one of " +
                                      listed(ex::table_names()) + " and FORMAT one of " +
                                      listed(ex::format_names()) +
                                      " (md, html and txt for summary only, all as xlsx only)");
  }
  ex::ExportOptions options{*table, *format};
  const auto lang = query_param(request, "lang");
  if (!lang.empty()) {
    const auto language = ex::parse_language(lang);
    if (!language) {
      co_return co_await send_error(stream, request, http::status::bad_request, "bad_request",
                                    "lang must be en, fr or ar");
    }
    options.language = *language;
  }
  const auto below = query_param(request, "suppress_below");
  if (!below.empty()) {
    const auto n = to_int(below);
    if (!n || *n < 0) {
      co_return co_await send_error(stream, request, http::status::bad_request, "bad_request",
                                    "suppress_below must be a whole number");
    }
    options.suppress_below = *n;
  }
  if (const auto problem = ex::options_problem(options); !problem.empty()) {
    co_return co_await send_error(stream, request, http::status::bad_request, "bad_request",
                                  problem);
  }

  const auto lookup = co_await context.events->find(event_id);
  if (lookup.unavailable) {
    co_return co_await send_error(stream, request, http::status::service_unavailable,
                                  "redis_unavailable", "Redis is not reachable; try again shortly");
  }
  if (!lookup.event) {
    co_return co_await send_error(
        stream, request, http::status::not_found, "unknown_event",
        "no event named \"" + services::registry::quote_input(event_id) + "\"");
  }
  const auto registry = co_await load_registry(context, event_id);
  if (!registry) {
    co_return co_await send_error(stream, request, http::status::service_unavailable,
                                  "redis_unavailable", "Redis is not reachable; try again shortly");
  }

  std::optional<ex::ExportJob> job;
  job.emplace(options, lookup.event->config, *registry);

  http::response<http::empty_body> header{http::status::ok, request.version()};
  header.set(http::field::server, "rollcall");
  header.set(http::field::content_type, ex::content_type(options.format));
  header.set(http::field::cache_control, "no-store");
  header.set(http::field::content_disposition,
             "attachment; filename=\"" + event_id + "-" + file + "\"");
  header.chunked(true);
  header.keep_alive(request.keep_alive());
  http::response_serializer<http::empty_body> serializer{header};
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  if (auto [ec, n] = co_await http::async_write_header(stream, serializer, use_tuple); ec) {
    co_return;
  }

  bool failed = false;
  std::string bytes;
  auto drain = [&]() -> asio::awaitable<bool> {
    while (job->take(&bytes)) {
      beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
      auto [ec, n] =
          co_await asio::async_write(stream, http::make_chunk(asio::buffer(bytes)), use_tuple);
      if (ec) co_return false;
    }
    co_return true;
  };
  try {
    // The one log reader (services/store/event_log_reader.h), on the shared connection.
    store::LogPager pager(event_id, "+", kChunk);
    while (auto args = pager.next()) {
      const auto entries = co_await read_page(context, pager, std::move(*args), "export", event_id);
      if (!entries) {
        failed = true;
        break;
      }
      for (const auto& entry : *entries) job->feed(entry);
      if (!co_await drain()) co_return;
    }
    if (!failed) {
      job->finish();
      if (!co_await drain()) co_return;
    }
  } catch (const std::exception&) {
    failed = true;
  }
  boost::system::error_code ec;
  if (failed) {
    // The status line has gone: only an unfinished chunked body tells the client it failed.
    beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(stream).socket().close(ec);
    co_return;
  }
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  auto [last_ec, n] = co_await asio::async_write(stream, http::make_chunk_last(), use_tuple);
  if (last_ec) {
    beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  } else if (!request.keep_alive()) {
    co_await stream.async_shutdown();
  }
}

asio::awaitable<void> serve_rejected_scans(FlexStream& stream, const Request& request,
                                           const Context& context, std::string event_id) {
  std::size_t limit = 50;
  const auto limit_text = query_param(request, "limit");
  if (!limit_text.empty()) {
    const auto n = to_int(limit_text);
    if (!n || *n < 1 || *n > 1000) {
      co_return co_await send_error(stream, request, http::status::bad_request, "bad_request",
                                    "limit must be a number from 1 to 1000");
    }
    limit = static_cast<std::size_t>(*n);
  }
  const auto lookup = co_await context.events->find(event_id);
  if (lookup.unavailable) {
    co_return co_await send_error(stream, request, http::status::service_unavailable,
                                  "redis_unavailable", "Redis is not reachable; try again shortly");
  }
  if (!lookup.event) {
    co_return co_await send_error(
        stream, request, http::status::not_found, "unknown_event",
        "no event named \"" + services::registry::quote_input(event_id) + "\"");
  }

  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.always_print_primitive_fields = true;
  // Rows are written into a sink that keeps the proto, then printed as one JSON array.
  struct Collect : ex::RowSink {
    std::vector<v1::ScanRow> rows;
    void begin_table(std::string_view, const std::vector<std::string>&) override {}
    void row(const std::vector<ex::Cell>&, const google::protobuf::Message& m) override {
      rows.push_back(static_cast<const v1::ScanRow&>(m));
    }
  } collect;

  store::ReverseLogPager pager(event_id, 500);
  std::size_t read = 0;
  while (collect.rows.size() < limit && read < kRejectedScanLimit) {
    auto args = pager.next();
    if (!args) break;
    const auto entries =
        co_await read_page(context, pager, std::move(*args), "rejected_scans", event_id);
    if (!entries) {
      co_return co_await send_error(stream, request, http::status::service_unavailable,
                                    "redis_unavailable",
                                    "Redis is not reachable; try again shortly");
    }
    for (const auto& entry : *entries) {
      const auto status = entry.get("status");
      const bool rejected = status == "unknown_badge" || status == "revoked" ||
                            status == "invalid_signature" || status == "wrong_day" ||
                            status == "not_allowed";
      if (rejected && collect.rows.size() < limit) {
        ex::write_scan_row(entry, lookup.event->zone, collect);
      }
    }
    read += entries->size();
  }

  std::string body = "[";
  for (std::size_t i = 0; i < collect.rows.size(); ++i) {
    std::string line;
    (void)google::protobuf::util::MessageToJsonString(collect.rows[i], &line, print);
    body += (i ? "," : "") + line;
  }
  body += "]";
  http::response<http::string_body> response{http::status::ok, request.version()};
  response.set(http::field::server, "rollcall");
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.body() = std::move(body);
  response.prepare_payload();
  co_await send(stream, request, std::move(response));
}

}  // namespace rollcall::gateway::server
