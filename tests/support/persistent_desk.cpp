#include "tests/support/persistent_desk.h"

#include <stdexcept>
#include <thread>

namespace rollcall::tests::support {

v1::ScanResult PersistentDesk::send(const v1::ScanRequest& request,
                                    std::chrono::milliseconds timeout,
                                    std::chrono::milliseconds pause) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    ++attempts;
    try {
      if (!desk.is_open()) {
        desk.set_token(token);
        desk.connect("127.0.0.1", port, event);
      }
      auto result = desk.scan(request, timeout);
      if (result.status() != v1::unavailable) return result;
    } catch (const std::exception&) {
      desk.close();
    }
    std::this_thread::sleep_for(pause);
  }
  throw std::runtime_error("no final answer for " + request.scan_id() + " within 60 s");
}

}  // namespace rollcall::tests::support
