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

std::string Labels(std::string_view counter, std::string_view partner, std::string_view label) {
  std::string out = "partner=\"" + std::string(partner) + "\"";
  std::string_view name = LabelName(counter);
  if (!name.empty()) out += "," + std::string(name) + "=\"" + std::string(label) + "\"";
  return out;
}

}  // namespace

void AdapterMetrics::SetMirror(Mirror mirror) {
  std::lock_guard<std::mutex> lock(mu_);
  mirror_ = std::move(mirror);
}

void AdapterMetrics::Add(std::string_view counter, std::string_view partner, std::string_view label,
                         uint64_t n) {
  Mirror mirror;
  {
    std::lock_guard<std::mutex> lock(mu_);
    counters_[{std::string(counter), std::string(partner), std::string(label)}] += n;
    mirror = mirror_;
  }
  if (mirror)
    mirror(std::string(counter), Labels(counter, partner, label), static_cast<int64_t>(n));
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
    out << counter << "{" << Labels(counter, partner, label) << "} " << value << "\n";
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
