# Strict warnings for numrep's own targets (tests, benchmarks, examples); never for consumers.
function(numrep_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports -Wrestrict falsely inside std::string's operator+ (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(NUMREP_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# NUMREP_SANITIZE=address,undefined builds every test with those sanitizers, failing on any report.
function(numrep_sanitize target)
  if(NUMREP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${NUMREP_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all -g)
    target_link_options(${target} PRIVATE -fsanitize=${NUMREP_SANITIZE})
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # Sanitizer instrumentation makes GCC's -Wmaybe-uninitialized fire inside libstdc++
      # (std::function in <regex>); the sanitizers themselves check what that warning guesses at.
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
  endif()
endfunction()
