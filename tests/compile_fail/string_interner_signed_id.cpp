// expect-error: static assertion failed.*string_interner ids must be an unsigned integer type
#include <numrep/report.hpp>

numrep::string_interner<int> names;
