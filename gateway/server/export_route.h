#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "gateway/server/context.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// Organizer routes that read the event log (gateway/server/routes.cpp lists them; the caller has
// checked the token):
//   GET /v1/events/EVENT/exports/NAME.FORMAT[?lang=en|fr|ar][&suppress_below=N]
//       a post-event export (services/export), streamed as a chunked response while the log is
//       read, so that memory stays flat however large the event;
//   GET /v1/events/EVENT/scans/rejected[?limit=N]
//       the most recent rejected scans, newest first, as a JSON array of rollcall.v1.ScanRow.
// Both write their whole response on `stream` (errors as JSON Error bodies). A failure after the
// header of a chunked export has gone out closes the connection, so the client never takes a
// truncated export for a complete one.
boost::asio::awaitable<void> serve_export(FlexStream& stream, const Request& request,
                                          const Context& context, std::string event_id,
                                          std::string file);
boost::asio::awaitable<void> serve_rejected_scans(FlexStream& stream, const Request& request,
                                                  const Context& context, std::string event_id);

}  // namespace rollcall::gateway::server
