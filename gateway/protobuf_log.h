#pragma once

namespace rollcall::gateway {

// Protocol Buffers writes its own warnings to stderr, one per message it parses, e.g. a string
// field that is not UTF-8: a client repeating such a frame would fill the log past every
// throttle. From this call on they go to spdlog instead, quoted, at most one a second (with the
// count of those skipped meanwhile).
void route_protobuf_log();

}  // namespace rollcall::gateway
