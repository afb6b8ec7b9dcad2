// expect-error: static assertion failed.*string_interner ids must be an unsigned integer type
#include <numrep/string_interner.hpp>

numrep::string_interner<int> names;
