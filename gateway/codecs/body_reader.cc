#include "gateway/codecs/body_reader.h"

namespace vh::gw::codecs {

Status Missing(std::string_view path) {
  return Status::Unprocessable("missing_field", std::string(path) + ": missing");
}

Status WrongType(std::string_view path, std::string_view expected) {
  return Status::Unprocessable("wrong_type",
                               std::string(path) + ": expected " + std::string(expected));
}

Status ReadString(const Json& obj, const char* key, std::string_view path, std::size_t max_bytes,
                  bool optional, std::string* out) {
  auto it = obj.find(key);
  const std::string p = std::string(path) + "/" + key;
  if (it == obj.end()) return optional ? Status::Ok() : Missing(p);
  if (!it->is_string()) return WrongType(p, "a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) return Status::Unprocessable("too_long", p + ": longer than allowed");
  *out = s;
  return Status::Ok();
}

Status ReadOptionalString(const Json& obj, const char* key, std::string_view path,
                          std::size_t max_bytes, std::optional<std::string>* out) {
  out->reset();
  if (!obj.contains(key)) return Status::Ok();
  std::string s;
  VH_RETURN_IF_ERROR(ReadString(obj, key, path, max_bytes, false, &s));
  *out = std::move(s);
  return Status::Ok();
}

Status ReadTime(const Json& obj, const char* key, std::string_view path, TimePoint* out) {
  constexpr std::size_t kMaxTimeBytes = 64;
  std::string s;
  VH_RETURN_IF_ERROR(ReadString(obj, key, path, kMaxTimeBytes, false, &s));
  auto t = ParseUtc(s);
  if (!t) {
    return Status::Unprocessable("invalid_time",
                                 std::string(path) + "/" + key + ": not an RFC 3339 time");
  }
  *out = *t;
  return Status::Ok();
}

Status ReadStringList(const Json& obj, const char* key, std::string_view path,
                      std::string_view what, std::size_t max_bytes,
                      std::optional<std::vector<std::string>>* out) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    out->reset();
    return Status::Ok();
  }
  const std::string p = std::string(path) + "/" + key;
  if (!it->is_array()) return WrongType(p, what);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& x = (*it)[i];
    const std::string xp = p + "/" + std::to_string(i);
    if (!x.is_string()) return WrongType(xp, "a string");
    if (x.get_ref<const std::string&>().size() > max_bytes) {
      return Status::Unprocessable("too_long", xp + ": longer than allowed");
    }
    ids.push_back(x.get<std::string>());
  }
  *out = std::move(ids);
  return Status::Ok();
}

Status ReadPartnerList(const Json& obj, const char* key, std::string_view path,
                       std::optional<std::vector<std::string>>* out) {
  constexpr std::size_t kMaxPartnerIdBytes = 128;
  return ReadStringList(obj, key, path, "an array of partner ids", kMaxPartnerIdBytes, out);
}

Status ReadArray(const Json& obj, const char* key, std::string_view path, const Json** out) {
  auto it = obj.find(key);
  const std::string p = std::string(path) + "/" + key;
  if (it == obj.end()) return Missing(p);
  if (!it->is_array()) return WrongType(p, "an array");
  *out = &*it;
  return Status::Ok();
}

}  // namespace vh::gw::codecs
