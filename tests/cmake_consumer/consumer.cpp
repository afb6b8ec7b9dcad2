// A downstream program: parses a number and looks up its carrier. Exits non-zero on a wrong answer.
#include <numrep/numrep.hpp>

#include <cstdio>

int main() {
    const numrep::phone_number n = numrep::parse("0162 345 6789");
    const numrep::number_info info = numrep::plans::vietnam().lookup(n);
    std::printf("%s %.*s legacy=%d\n", n.e164().c_str(), static_cast<int>(info.carrier.size()), info.carrier.data(),
                n.is_legacy());
    return (n.key() == 84323456789ULL && info.carrier == "Viettel" && n.is_legacy()) ? 0 : 1;
}
