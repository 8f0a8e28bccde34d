#include "adapters/answer_sink.h"

namespace vh::adapters {

std::vector<OpenRequest> ParseOpenRequests(const Json& body) {
  std::vector<OpenRequest> out;
  if (!body.is_object() || !body.contains("requests") || !body["requests"].is_array()) return out;
  auto str = [](const Json& o, const char* key) {
    return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
  };
  for (const Json& r : body["requests"]) {
    if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) continue;
    OpenRequest o;
    o.id = r["id"].get<std::string>();
    o.meeting = str(r, "meeting");
    o.overlegvorm = str(r, "overlegvorm");
    o.subject = str(r, "subject");
    o.deadline = str(r, "deadline");
    if (r.contains("identity") && r["identity"].is_object()) o.identity = r["identity"];
    if (r.contains("fields") && r["fields"].is_array()) {
      for (const Json& f : r["fields"]) {
        if (f.is_string()) o.fields.push_back(f.get<std::string>());
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace vh::adapters
