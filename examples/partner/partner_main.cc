// vhgate-partner: an example partner system answering the gateway's
// https-pull requests (adapters/README.md) from a JSON file of synthetic
// persons. It speaks its own field names; the gateway's per-partner mapping
// turns them into covenant field ids.
//
// Mutual TLS: it presents --cert/--key and accepts only clients whose
// certificate verifies against --ca (and, with --client-o, whose subject O is
// that organisation: the house's gateway).
//
//   vhgate-partner --listen 127.0.0.1:9555 --cert partner-server.crt
//       --key partner-server.key --ca ca.crt --data persons.json
//       [--path /vhgate/answer] [--match bsn] [--client-o veiligheidshuis-hm]
//       [--answer requested|all]
//       [--behaviour answer|hang|invalid-json|http-500|huge]
//       [--hang-ms 60000] [--port-file F]
//
// The data file: {"persons": [{"bsn": "...", <their field>: value, ...}]}.
// A request {"request", "identity": {<their name>: value}, "fields": [...]}
// is answered with {"fields": {...}} holding the asked fields the person has
// (--answer all: every field the person has, to exercise the gateway's
// intake filter), or {"decline": "persoon onbekend"}.
// --behaviour makes it misbehave on purpose, for tests of the gateway's
// timeouts and error handling. Synthetic data only; it logs no values.

#include <openssl/x509.h>
#include <signal.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "gateway/commands/parse_command_line.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 9555;
  std::string cert, key, ca, data, port_file;
  std::string path = "/vhgate/answer";
  std::string match = "bsn";
  std::string client_o;
  std::string answer = "requested";
  std::string behaviour = "answer";
  int hang_ms = 60000;
};

constexpr std::size_t kMaxBody = 1 << 20;
constexpr int kSocketTimeoutSeconds = 30;

// The flags into `o`; false (after one line on stderr, or the help on
// stdout with *exit_code 0) when the program should stop.
bool ParseArgs(int argc, char** argv, Options* o, int* exit_code) {
  CLI::App app(
      "vhgate-partner: an example partner system answering the gateway's https-pull "
      "requests from a file of synthetic persons",
      "vhgate-partner");
  std::string listen = o->host + ":" + std::to_string(o->port);
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--cert", o->cert, "the server certificate (PEM)")->required();
  app.add_option("--key", o->key, "its private key (PEM)")->required();
  app.add_option("--ca", o->ca, "the CA client certificates must verify against")->required();
  app.add_option("--data", o->data, "the persons file: {\"persons\": [...]}")->required();
  app.add_option("--path", o->path, "the path answered")->capture_default_str();
  app.add_option("--match", o->match, "the identity field persons are matched on")
      ->capture_default_str();
  app.add_option("--client-o", o->client_o, "accept only clients whose certificate O is this");
  app.add_option("--answer", o->answer, "requested: the asked fields; all: every field it has")
      ->check(CLI::IsMember({"requested", "all"}))
      ->capture_default_str();
  app.add_option("--behaviour", o->behaviour, "misbehave on purpose, for tests")
      ->check(CLI::IsMember({"answer", "hang", "invalid-json", "http-500", "huge"}))
      ->capture_default_str();
  app.add_option("--hang-ms", o->hang_ms, "how long --behaviour hang waits")->capture_default_str();
  app.add_option("--port-file", o->port_file, "write the port listened on to this file");
  if (auto code = vh::cli::ParseCommandLine(app, argc, argv, std::cout, std::cerr)) {
    *exit_code = *code;
    return false;
  }
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "vhgate-partner: --listen: expected HOST:PORT\n";
    *exit_code = 2;
    return false;
  }
  o->host = listen.substr(0, colon);
  o->port = static_cast<unsigned short>(std::atoi(listen.c_str() + colon + 1));
  return true;
}

std::string Normalise(const Json& v) {
  std::string s = v.is_string() ? v.get<std::string>()
                                : (v.is_number_integer() ? std::to_string(v.get<long long>()) : "");
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '.') out.push_back(c);
  }
  return out;
}

class Partner {
 public:
  Partner(const Options& o, Json persons) : o_(o) {
    for (const Json& p : persons) {
      if (p.is_object() && p.contains(o.match)) by_key_[Normalise(p[o.match])] = p;
    }
  }

  // The pure request handler: no socket in it.
  http::response<http::string_body> Handle(const http::request<http::string_body>& req) {
    auto reply = [&](http::status st, const std::string& body) {
      http::response<http::string_body> res{st, req.version()};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      res.body() = body;
      res.prepare_payload();
      return res;
    };
    if (req.target() != o_.path) {
      return reply(http::status::not_found, R"({"error":"unknown path"})");
    }
    if (req.method() != http::verb::post) {
      return reply(http::status::method_not_allowed, R"({"error":"use POST"})");
    }
    if (o_.behaviour == "hang") {
      std::this_thread::sleep_for(std::chrono::milliseconds(o_.hang_ms));
    } else if (o_.behaviour == "invalid-json") {
      return reply(http::status::ok, "{\"fields\": {\"toezicht\": tru");
    } else if (o_.behaviour == "huge") {
      return reply(http::status::ok,
                   "{\"fields\": {\"x\": \"" + std::string(2 << 20, 'a') + "\"}}");
    } else if (o_.behaviour == "http-500") {
      return reply(http::status::internal_server_error, R"({"error":"storing"})");
    }
    Json in = Json::parse(req.body(), nullptr, false);
    if (in.is_discarded() || !in.is_object() || !in.contains("identity") ||
        !in["identity"].is_object()) {
      return reply(http::status::bad_request, R"({"error":"expected {identity, fields}"})");
    }
    std::string request = in.value("request", "");
    const Json& identity = in["identity"];
    auto it =
        identity.contains(o_.match) ? by_key_.find(Normalise(identity[o_.match])) : by_key_.end();
    if (it == by_key_.end()) {
      std::cerr << "vhgate-partner: request " << request << ": person unknown, declined\n";
      return reply(http::status::ok, R"({"decline":"persoon onbekend"})");
    }
    Json fields = Json::object();
    const Json& person = it->second;
    if (o_.answer == "all" || !in.contains("fields") || !in["fields"].is_array()) {
      for (auto f = person.begin(); f != person.end(); ++f) {
        if (f.key() != o_.match) fields[f.key()] = f.value();
      }
    } else {
      for (const Json& f : in["fields"]) {
        if (f.is_string() && person.contains(f.get<std::string>())) {
          fields[f.get<std::string>()] = person[f.get<std::string>()];
        }
      }
    }
    ++answered_;
    // The caller's operation (W3C traceparent), for tying this answer to the
    // gateway's audit events.
    auto tp = req.find("traceparent");
    std::cerr << "vhgate-partner: request " << request << ": answered " << fields.size()
              << " fields"
              << (tp == req.end() ? std::string()
                                  : " traceparent " + std::string(tp->value().substr(0, 64)))
              << "\n";
    return reply(http::status::ok, Json{{"fields", fields}}.dump());
  }

 private:
  const Options& o_;
  std::map<std::string, Json> by_key_;
  std::atomic<int> answered_{0};
};

bool ClientAllowed(ssl::stream<tcp::socket>& stream, const std::string& want_o) {
  if (want_o.empty()) return true;
  X509* cert = SSL_get1_peer_certificate(stream.native_handle());
  if (cert == nullptr) return false;
  char o[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_organizationName, o, sizeof(o));
  X509_free(cert);
  return want_o == o;
}

void Serve(tcp::socket socket, ssl::context& ctx, Partner& partner, const Options& o) {
  // Plain socket timeouts bound a stuck client; this is an example service.
  timeval tv{kSocketTimeoutSeconds, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  ssl::stream<tcp::socket> stream(std::move(socket), ctx);
  beast::error_code ec;
  stream.handshake(ssl::stream_base::server, ec);
  if (ec) return;
  if (!ClientAllowed(stream, o.client_o)) {
    std::cerr << "vhgate-partner: client certificate of another organisation refused\n";
    return;
  }
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    http::read(stream, buffer, parser, ec);
    if (ec) break;
    auto res = partner.Handle(parser.get());
    http::write(stream, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  stream.shutdown(ec);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (int exit_code = 0; !ParseArgs(argc, argv, &o, &exit_code)) return exit_code;
  signal(SIGPIPE, SIG_IGN);
  std::ifstream in(o.data);
  if (!in) {
    std::cerr << "vhgate-partner: " << o.data << ": cannot open\n";
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  Json data = Json::parse(ss.str(), nullptr, false, true);
  if (data.is_discarded() || !data.is_object() || !data.contains("persons") ||
      !data["persons"].is_array()) {
    std::cerr << "vhgate-partner: " << o.data << ": expected {\"persons\": [...]}\n";
    return 1;
  }
  Partner partner(o, data["persons"]);

  ssl::context ctx(ssl::context::tls_server);
  beast::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx.use_certificate_chain_file(o.cert, ec);
  if (!ec) ctx.use_private_key_file(o.key, ssl::context::pem, ec);
  if (!ec) ctx.load_verify_file(o.ca, ec);
  if (ec) {
    std::cerr << "vhgate-partner: certificate, key or CA: " << ec.message() << "\n";
    return 1;
  }
  ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  // Needed by OpenSSL to resume sessions of clients with certificates.
  static const unsigned char kSessionContext[] = "vhgate-partner";
  SSL_CTX_set_session_id_context(ctx.native_handle(), kSessionContext, sizeof(kSessionContext) - 1);

  asio::io_context ioc;
  tcp::acceptor acceptor(ioc);
  tcp::endpoint ep(asio::ip::make_address(o.host, ec), o.port);
  if (ec) {
    std::cerr << "vhgate-partner: bad --listen host\n";
    return 2;
  }
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "vhgate-partner: cannot listen on " << o.host << ":" << o.port << ": "
              << ec.message() << "\n";
    return 1;
  }
  unsigned short port = acceptor.local_endpoint().port();
  if (!o.port_file.empty()) {
    std::string tmp = o.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), o.port_file.c_str());
  }
  std::cout << "vhgate-partner listening on " << o.host << ":" << port << std::endl;
  for (;;) {
    tcp::socket socket(ioc);
    acceptor.accept(socket, ec);
    if (ec) continue;
    std::thread(Serve, std::move(socket), std::ref(ctx), std::ref(partner), std::cref(o)).detach();
  }
}
