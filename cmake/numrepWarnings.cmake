# Strict warnings for numrep's own targets (tests, benchmarks, examples); never for consumers.
# The flags, as a list in `out_var`, for compiler runs outside targets (the header tests).
function(numrep_strict_warning_flags out_var)
  set(flags -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports -Wrestrict falsely inside std::string's operator+ (GCC bug 105329).
    list(APPEND flags -Wno-restrict)
  endif()
  if(NUMREP_WARNINGS_AS_ERRORS)
    list(APPEND flags -Werror)
  endif()
  set(${out_var} ${flags} PARENT_SCOPE)
endfunction()

function(numrep_strict_warnings target)
  numrep_strict_warning_flags(flags)
  target_compile_options(${target} PRIVATE ${flags})
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
