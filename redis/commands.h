#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/system/error_code.hpp>

#include "redis/command.h"
#include "redis/reply.h"

namespace rollcall::redis {

// What the gateway asks of a Redis link: run one command, say whether the link is up and why it
// is not. Connection is the real link; the gateway's unit tests answer through a scripted one
// (tests/support/scripted_commands.h), so the code that builds commands and reads replies is
// tested without a server.
class Commands {
 public:
  using Handler = std::function<void(boost::system::error_code, Reply)>;

  virtual ~Commands() = default;

  // Sends one command (an argv converts to a Command: see command.h); the handler gets the reply
  // (an error reply is a Reply, not an error code) or one of redis::error.
  virtual void exec(Command command, Handler handler) = 0;
  // Connected and setup done.
  virtual bool ready() const = 0;
  // Why the link last failed ("" if it never did); for logs and answers.
  virtual std::string last_error() const = 0;

  // exec() for any Asio completion token; the handler runs on its associated executor (or the
  // link's own).
  template <class CompletionToken>
  auto async_exec(Command command, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code, Reply)>(
        [this](auto handler, Command command) {
          exec(std::move(command), wrap(std::move(handler)));
        },
        token, std::move(command));
  }

 protected:
  // Where handlers without an associated executor run.
  virtual boost::asio::any_io_executor default_executor() const = 0;

  // Makes an Asio completion handler (possibly move-only, e.g. a coroutine's) into a Handler
  // that runs it on the handler's associated executor, keeping that executor's work alive.
  // Posted, never run inline: a connection on the link's own thread must not resume inside
  // the link's reply callback.
  template <class CompletionHandler>
  Handler wrap(CompletionHandler handler) {
    auto executor =
        boost::asio::prefer(boost::asio::get_associated_executor(handler, default_executor()),
                            boost::asio::execution::outstanding_work.tracked);
    auto shared = std::make_shared<CompletionHandler>(std::move(handler));
    return [shared, executor](boost::system::error_code ec, Reply reply) {
      boost::asio::post(executor, [shared, ec, reply = std::move(reply)]() mutable {
        CompletionHandler handler = std::move(*shared);
        handler(ec, std::move(reply));
      });
    };
  }
};

}  // namespace rollcall::redis
