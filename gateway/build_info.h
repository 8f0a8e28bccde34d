#pragma once
// What was built: CMake's PROJECT_VERSION and the git commit of the source
// tree (12 hex digits, "-dirty" when tracked files differed from it,
// "unknown" outside a git checkout), written at build time by
// cmake/build_info.cmake. For the metric vhgate_build_info.

namespace vh::gw {

const char* BuildVersion();
const char* BuildCommit();

}  // namespace vh::gw
