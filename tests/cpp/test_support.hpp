// Helpers shared by the C++ tests: reading test data files, comparing a plan's answers.
#pragma once

#include <numrep/numbering_plan.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace numrep_test {

// Every field of a plan's answer, for comparing two answers in one CHECK.
inline auto info_fields(const numrep::number_info& i) {
    return std::tuple(i.carrier, i.region, i.region_code, i.type, i.valid, i.carrier_id, i.region_id);
}

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("test data missing: " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string data_path(const std::string& name) { return std::string(NUMREP_TEST_DATA_DIR) + "/" + name; }

inline std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, sep)) out.push_back(field);
    return out;
}

// Non-comment "prefix|name" lines of a libphonenumber data file.
inline std::vector<std::pair<std::string, std::string>> prefix_lines(const std::string& path) {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream in(read_text(path));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto bar = line.find('|');
        if (bar != std::string::npos) out.emplace_back(line.substr(0, bar), line.substr(bar + 1));
    }
    return out;
}

}  // namespace numrep_test
