#include "crypto/keyring.h"

#include <filesystem>

#include "core/config.h"

namespace vh::crypto {

std::string KeyFilePath(const std::string& keys_dir, std::string_view file) {
  return (std::filesystem::path(keys_dir) / file).string();
}

std::string CaseStoreKeyPath(const Config& config) {
  return KeyFilePath(config.keys_dir, kCaseStoreKeyFile);
}

}  // namespace vh::crypto
