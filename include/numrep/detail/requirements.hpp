// What numrep needs of the compiler, said by an #error first, ahead of the errors that follow
// (C++17 gave 513 of them and no word of the reason). Included by the headers that need it:
// throw.hpp (everything that reports errors) and the headers that do without it.
#pragma once

#if defined(_MSVC_LANG) ? _MSVC_LANG < 202002L : __cplusplus < 202002L
#error "numrep needs C++20 (-std=c++20; GCC 12, Clang 14 or later)"
#endif
#if !defined(__cpp_exceptions) && !defined(_CPPUNWIND)
#error "numrep reports errors by throwing exceptions: compile without -fno-exceptions"
#endif
