#pragma once
// FakeSink: an AnswerSink for unit tests that stands in for the exchange.
// It withholds fields not in `suppliable` (as the covenant intake would),
// records every call (the kept fields and the withheld field ids as JSON, for
// easy comparison) and can be told to fail. Thread-safe.

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "adapters/answer_sink.h"

namespace vh::adapters::testing {

class FakeSink : public AnswerSink {
 public:
  struct AnswerCall {
    std::string partner, request;
    Json fields;
    AnswerSource source;
  };
  struct FailureCall {
    std::string partner, request, reason;
  };

  void AddRequest(OpenRequest r) {
    std::lock_guard<std::mutex> l(mu_);
    open_.push_back(std::move(r));
  }

  Result<std::vector<OpenRequest>> OpenRequests(std::string_view) override {
    std::lock_guard<std::mutex> l(mu_);
    ++list_calls_;
    if (list_fails_) return Status::Unavailable("down", "exchange down");
    return open_;
  }

  Result<exchange::AnswerReceipt> Answer(std::string_view partner, std::string_view request_id,
                                         const exchange::AnswerRequest& answer,
                                         const AnswerSource& source) override {
    std::lock_guard<std::mutex> l(mu_);
    if (succeed_first_ > 0) {
      --succeed_first_;
    } else if (fail_answers_ > 0) {
      --fail_answers_;
      return Status::Unavailable("audit_unavailable", "audit log cannot write");
    } else if (conflict_answers_ > 0) {
      --conflict_answers_;
      return Status::Conflict("not_open", "request is not open");
    }
    auto it = std::find_if(open_.begin(), open_.end(),
                           [&](const OpenRequest& r) { return r.id == request_id; });
    if (it == open_.end()) return Status::Conflict("not_open", "request is not open");
    exchange::AnswerReceipt receipt;
    receipt.request = std::string(request_id);
    Json withheld = Json::array();
    Json kept = Json::object();
    for (const auto& [field, value] : answer.fields) {
      if (suppliable_.count(field)) {
        receipt.accepted.push_back(field);
        kept[field] = value;
      } else {
        receipt.withheld.push_back({field, "not_allowed_for_supplier"});
        withheld.push_back(field);
      }
    }
    answers_.push_back({std::string(partner), std::string(request_id), kept, source});
    withheld_.push_back(withheld);
    open_.erase(it);
    return receipt;
  }

  Status Decline(std::string_view partner, std::string_view request_id, std::string_view reason,
                 const AnswerSource&) override {
    std::lock_guard<std::mutex> l(mu_);
    declines_.push_back({std::string(partner), std::string(request_id), std::string(reason)});
    open_.erase(std::remove_if(open_.begin(), open_.end(),
                               [&](const OpenRequest& r) { return r.id == request_id; }),
                open_.end());
    return Status::Ok();
  }

  Status RecordFailure(std::string_view partner, std::string_view request_id,
                       std::string_view reason) override {
    std::lock_guard<std::mutex> l(mu_);
    failures_.push_back({std::string(partner), std::string(request_id), std::string(reason)});
    return Status::Ok();
  }

  std::optional<policy::FieldType> FieldTypeOf(std::string_view field) override {
    auto it = types_.find(std::string(field));
    if (it == types_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> EnumValues(std::string_view field) override {
    if (field == "wonen.situatie") return {"zelfstandig", "dakloos", "opvang"};
    return {};
  }

  std::vector<AnswerCall> answers() {
    std::lock_guard<std::mutex> l(mu_);
    return answers_;
  }
  std::vector<FailureCall> failures() {
    std::lock_guard<std::mutex> l(mu_);
    return failures_;
  }
  std::vector<FailureCall> declines() {
    std::lock_guard<std::mutex> l(mu_);
    return declines_;
  }
  std::vector<Json> withheld() {
    std::lock_guard<std::mutex> l(mu_);
    return withheld_;
  }
  // The next `after` answers succeed, then `count` fail as Unavailable.
  void FailAnswers(int after, int count) {
    std::lock_guard<std::mutex> l(mu_);
    succeed_first_ = after;
    fail_answers_ = count;
  }
  // The next `count` answers are refused as no longer open (answered
  // elsewhere between a file's validation and its import).
  void ConflictAnswers(int count) {
    std::lock_guard<std::mutex> l(mu_);
    conflict_answers_ = count;
  }

  std::set<std::string> suppliable_ = {
      "justitie.lopend_toezicht", "detentie.einddatum", "inkomen.uitkering",
      "wonen.situatie",           "persoon.adres",      "inkomen.schulden_bedrag"};
  std::map<std::string, policy::FieldType> types_ = {
      {"persoon.bsn", policy::FieldType::kString},
      {"persoon.naam", policy::FieldType::kString},
      {"justitie.lopend_toezicht", policy::FieldType::kBoolean},
      {"detentie.einddatum", policy::FieldType::kDate},
      {"inkomen.uitkering", policy::FieldType::kBoolean},
      {"wonen.situatie", policy::FieldType::kEnum},
      {"persoon.adres", policy::FieldType::kAddress},
      {"inkomen.schulden_bedrag", policy::FieldType::kInteger},
      {"zorg.diagnose", policy::FieldType::kText}};

 private:
  std::mutex mu_;
  std::vector<OpenRequest> open_;
  int conflict_answers_ = 0;
  std::vector<AnswerCall> answers_;
  std::vector<FailureCall> failures_;
  std::vector<FailureCall> declines_;
  std::vector<Json> withheld_;
  int fail_answers_ = 0;
  int succeed_first_ = 0;
  int list_calls_ = 0;
  bool list_fails_ = false;
};

}  // namespace vh::adapters::testing
