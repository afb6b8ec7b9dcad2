# numrep uses xxHash header-only (XXH_INLINE_ALL): numrep, and everything that includes it, needs
# xxHash's header xxhash.h, never its library. The header must be xxHash 0.8.0 or later, the first
# release whose XXH3 output is final: numrep's files store XXH3 hashes, which an older header
# would compute differently.
#
# numrep_find_xxhash(<error_var>) sets the cache variable NUMREP_XXHASH_INCLUDE_DIR to the
# directory holding xxhash.h, NUMREP_XXHASH_VERSION to its version and <error_var> to "", or
# <error_var> to the message that says how to get the header. The message's first line names the commands that install it. A header where
# CMake does not look: -DNUMREP_XXHASH_INCLUDE_DIR=DIR, or CMAKE_INCLUDE_PATH / CMAKE_PREFIX_PATH.
# (tests/python/test_packaging.py hides the system's header with CMAKE_FIND_ROOT_PATH=<an empty
# directory> and CMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY.)
#
# Shared by CMakeLists.txt and the installed numrepConfig.cmake. Lines of the message start with a
# space so that CMake prints them as they are, commands unbroken.
function(numrep_find_xxhash error_var)
  set(${error_var} "" PARENT_SCOPE)
  find_path(NUMREP_XXHASH_INCLUDE_DIR xxhash.h DOC "Directory holding xxHash's xxhash.h (0.8.0 or later)")
  set(install "apt-get install libxxhash-dev (Debian/Ubuntu), dnf install xxhash-devel (Fedora; EPEL on RHEL/AlmaLinux), apk add xxhash-dev (Alpine), brew install xxhash (macOS)")
  set(elsewhere " A header CMake does not find: -DNUMREP_XXHASH_INCLUDE_DIR=DIR (pip: --config-settings=cmake.define.NUMREP_XXHASH_INCLUDE_DIR=DIR) or CMAKE_INCLUDE_PATH=DIR in the environment.")
  if(NOT NUMREP_XXHASH_INCLUDE_DIR)
    set(${error_var} " numrep needs xxHash's header xxhash.h (0.8.0 or later): ${install}\n${elsewhere}" PARENT_SCOPE)
    return()
  endif()
  set(header "${NUMREP_XXHASH_INCLUDE_DIR}/xxhash.h")
  if(NOT EXISTS "${header}")
    set(${error_var} " numrep: NUMREP_XXHASH_INCLUDE_DIR is ${NUMREP_XXHASH_INCLUDE_DIR}, which holds no xxhash.h. Install xxHash's header: ${install}\n${elsewhere}" PARENT_SCOPE)
    return()
  endif()
  file(STRINGS "${header}" lines REGEX "^#[ \t]*define[ \t]+XXH_VERSION_(MAJOR|MINOR|RELEASE)[ \t]+[0-9]+")
  set(version "")
  foreach(part MAJOR MINOR RELEASE)
    set(number "")
    foreach(line IN LISTS lines)
      if(line MATCHES "XXH_VERSION_${part}[ \t]+([0-9]+)")
        set(number "${CMAKE_MATCH_1}")
      endif()
    endforeach()
    if(number STREQUAL "")
      set(${error_var} " numrep: ${header} does not define XXH_VERSION_${part}: is it xxHash's header? numrep needs xxHash 0.8.0 or later: ${install}\n${elsewhere}" PARENT_SCOPE)
      return()
    endif()
    list(APPEND version "${number}")
  endforeach()
  list(JOIN version "." version)
  set(NUMREP_XXHASH_VERSION "${version}" PARENT_SCOPE)
  if(version VERSION_LESS 0.8.0)
    set(${error_var} " numrep needs xxHash 0.8.0 or later, found ${version} (${header}): XXH3's output is final only since 0.8.0. Install a newer one: ${install}\n${elsewhere}" PARENT_SCOPE)
  endif()
endfunction()
