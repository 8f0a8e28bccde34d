#include "adapters/adapter_metrics.h"

#include <sstream>

namespace vh::adapters {
namespace {

// The label that goes with each counter's third key.
std::string_view LabelName(std::string_view counter) {
  if (counter == kPullFailures) return "reason";
  if (counter == kPullAttempts) return "";
  return "outcome";
}

}  // namespace

void AdapterMetrics::Add(std::string_view counter, std::string_view partner,
                         std::string_view label, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[{std::string(counter), std::string(partner), std::string(label)}] += n;
}

uint64_t AdapterMetrics::Get(std::string_view counter, std::string_view partner,
                             std::string_view label) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find({std::string(counter), std::string(partner), std::string(label)});
  return it == counters_.end() ? 0 : it->second;
}

std::string AdapterMetrics::RenderPrometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream out;
  std::string last;
  for (const auto& [key, value] : counters_) {
    const auto& [counter, partner, label] = key;
    if (counter != last) {
      out << "# TYPE " << counter << " counter\n";
      last = counter;
    }
    out << counter << "{partner=\"" << partner << "\"";
    std::string_view name = LabelName(counter);
    if (!name.empty()) out << "," << name << "=\"" << label << "\"";
    out << "} " << value << "\n";
  }
  return out.str();
}

Json AdapterMetrics::ToJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  Json out = Json::object();
  for (const auto& [key, value] : counters_) {
    const auto& [counter, partner, label] = key;
    out[counter][partner][label.empty() ? "total" : label] = value;
  }
  return out;
}

}  // namespace vh::adapters
