// The one place numrep's version lives. CMake and scikit-build-core both read it from here.
#pragma once

#define NUMREP_VERSION_MAJOR 0
#define NUMREP_VERSION_MINOR 1
#define NUMREP_VERSION_PATCH 0
#define NUMREP_VERSION_STRING "0.1.0"

namespace numrep {
inline constexpr int version_major = NUMREP_VERSION_MAJOR;
inline constexpr int version_minor = NUMREP_VERSION_MINOR;
inline constexpr int version_patch = NUMREP_VERSION_PATCH;
inline constexpr const char* version_string = NUMREP_VERSION_STRING;
}  // namespace numrep
