// Compiled by the numrep_requirements_* tests (tests/cpp/CMakeLists.txt) without C++20 or
// without exceptions: numrep must stop with its own #error, naming what is missing.
#include <numrep/numrep.hpp>

int main() { return 0; }
