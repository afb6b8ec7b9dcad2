// Prints what numrep knows about each number given on the command line (or a few samples), by
// the world plan (every region libphonenumber knows; Vietnam's allocation notices for +84).
// National forms are read as Vietnamese.
//   example_number_info "0912 345 678" "+84 24 3826 4321" 01623456789 "+1 202 555 0143"
#include <numrep/numrep.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    std::vector<std::string> inputs(argv + 1, argv + argc);
    if (inputs.empty()) inputs = {"0912 345 678", "+84 (0) 24 3826 4321", "0162 345 6789", "1800 1234", "09x"};
    int failures = 0;
    for (const std::string& text : inputs) {
        const numrep::parse_result r = numrep::try_parse(text);
        if (!r) {
            std::printf("%s\n", numrep::parse_error_message(text, r).c_str());
            ++failures;
            continue;
        }
        const numrep::number_info info = numrep::plans::world().lookup(*r);
        std::printf("%-24s %-16s %-14s %-10.*s %-22.*s %s%s\n", text.c_str(), r->e164().c_str(), r->national().c_str(),
                    static_cast<int>(info.carrier.size()), info.carrier.data(), static_cast<int>(info.region.size()),
                    info.region.data(), info.valid ? "valid" : "not valid",
                    r->is_legacy() ? " (converted from legacy form)" : "");
    }
    return failures == static_cast<int>(inputs.size()) ? 1 : 0;
}
