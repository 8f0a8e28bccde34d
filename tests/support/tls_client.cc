#include "tests/support/tls_client.h"

#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sstream>

#include "tests/support/openapi_check.h"

namespace vh::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct TlsClient::Impl {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::unique_ptr<ssl::stream<tcp::socket>> stream;
  beast::flat_buffer buffer;
};

TlsClient::TlsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClient::~TlsClient() {
  if (impl_ && impl_->stream) {
    beast::error_code ec;
    impl_->stream->lowest_layer().close(ec);
  }
}

std::unique_ptr<TlsClient> TlsClient::Connect(int port, const std::string& identity,
                                              std::string* error) {
  auto impl = std::make_unique<Impl>();
  std::string certs = GatewayHarness::CertsDir();
  beast::error_code ec;
  impl->ctx.load_verify_file(certs + "/ca.crt", ec);
  if (!identity.empty()) {
    impl->ctx.use_certificate_chain_file(certs + "/" + identity + ".crt", ec);
    impl->ctx.use_private_key_file(certs + "/" + identity + ".key", ssl::context::pem, ec);
  }
  impl->ctx.set_verify_mode(ssl::verify_peer);
  impl->stream = std::make_unique<ssl::stream<tcp::socket>>(impl->ioc, impl->ctx);
  impl->stream->set_verify_callback(ssl::host_name_verification("localhost"));
  SSL_set_tlsext_host_name(impl->stream->native_handle(), "localhost");
  impl->stream->lowest_layer().connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  if (!ec) impl->stream->handshake(ssl::stream_base::client, ec);
  if (ec) {
    if (error) *error = ec.message();
    return nullptr;
  }
  return std::unique_ptr<TlsClient>(new TlsClient(std::move(impl)));
}

void TlsClient::Abort() { ::shutdown(impl_->stream->lowest_layer().native_handle(), SHUT_RDWR); }

bool TlsClient::WriteRaw(std::string_view bytes) {
  beast::error_code ec;
  asio::write(*impl_->stream, asio::buffer(bytes.data(), bytes.size()), ec);
  return !ec;
}

HttpResult TlsClient::ReadResponse(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<long>(timeout.count() / 1000);
  tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
  ::setsockopt(impl_->stream->lowest_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv,
               sizeof tv);
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(*impl_->stream, impl_->buffer, res, ec);
  HttpResult r;
  if (ec) return r;
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  std::ostringstream h;
  for (const auto& f : res) h << f.name_string() << ": " << f.value() << "\r\n";
  r.headers = h.str();
  return r;
}

HttpResult TlsClient::Request(const std::string& method, const std::string& target,
                              const std::string& body) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "localhost");
  req.set(http::field::content_type, "application/json");
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  beast::error_code ec;
  http::write(*impl_->stream, req, ec);
  if (ec) return {};
  HttpResult r = ReadResponse();
  ExpectMatchesDescription(method, target, r);
  return r;
}

}  // namespace vh::testing
