// Catch2 v3 splits its headers; v2 is one file. Tests include this and work with either.
#pragma once
#if NUMREP_CATCH_MAJOR >= 3
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
