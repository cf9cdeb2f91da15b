# How agentpg links libpq.
#
# The shared libpq makes every run map and relocate the libraries behind its GSSAPI and
# LDAP support (on Debian 12: krb5, gnutls, nettle, gmp, p11-kit and more, 19 libraries),
# which cost about 2 ms a run on a 2-core machine: half of `agentpg --version`, a fifth
# of a no-op `migrate`. So when libpq.a and the two libraries it is built with
# (libpgcommon and libpgport, from postgresql-server-dev-N) are installed, libpq is linked
# statically and src/pg/deferred_libs.cpp loads those two libraries at their first use,
# under the sonames the shared libpq names. Otherwise the shared libpq is linked.
#
# Sets AGENTPG_DEFERRED_PACKAGES: the Debian packages of the deferred libraries, which
# the .deb recommends (dpkg-shlibdeps cannot see a dlopen()).

string(REGEX MATCH "^[0-9]+" PQ_MAJOR "${PQ_VERSION}")
find_library(PQ_STATIC_LIB libpq.a)
find_library(PGCOMMON_STATIC_LIB libpgcommon_shlib.a PATHS /usr/lib/postgresql/${PQ_MAJOR}/lib)
find_library(PGPORT_STATIC_LIB libpgport_shlib.a PATHS /usr/lib/postgresql/${PQ_MAJOR}/lib)
find_library(PQ_SHARED_LIB NAMES pq)
find_path(GSSAPI_INCLUDE_DIR gssapi/gssapi.h)
find_path(LDAP_INCLUDE_DIR ldap.h)
find_program(READELF_PROGRAM readelf)
set(AGENTPG_DEFERRED_PACKAGES "")

# debian_package_of(FILE VAR): the Debian package that ships FILE ("" when unknown).
function(debian_package_of file var)
  execute_process(COMMAND dpkg -S ${file} OUTPUT_VARIABLE owner ERROR_QUIET)
  string(REGEX MATCH "^[^:]+" package "${owner}")
  set(${var} "${package}" PARENT_SCOPE)
endfunction()

# libpq.a is linked with the libpgcommon and libpgport of its own release only.
set(pq_release_matches TRUE)
if(PQ_STATIC_LIB AND PGCOMMON_STATIC_LIB)
  debian_package_of(${PQ_STATIC_LIB} pq_package)
  debian_package_of(${PGCOMMON_STATIC_LIB} pgcommon_package)
  if(pq_package AND pgcommon_package)
    execute_process(COMMAND dpkg-query -W "-f=\${Version}\n" ${pq_package} ${pgcommon_package}
                    OUTPUT_VARIABLE pq_versions)
    string(REPLACE "\n" ";" pq_versions "${pq_versions}")
    list(REMOVE_DUPLICATES pq_versions)
    list(REMOVE_ITEM pq_versions "")
    list(LENGTH pq_versions pq_version_count)
    if(NOT pq_version_count EQUAL 1)
      message(STATUS "libpq: ${pq_package} and ${pgcommon_package} are of different releases (${pq_versions})")
      set(pq_release_matches FALSE)
    endif()
  endif()
endif()

if(NOT (AGENTPG_STATIC_LIBPQ AND PQ_STATIC_LIB AND PGCOMMON_STATIC_LIB AND PGPORT_STATIC_LIB
        AND pq_release_matches AND PQ_SHARED_LIB AND GSSAPI_INCLUDE_DIR AND LDAP_INCLUDE_DIR
        AND READELF_PROGRAM))
  message(STATUS "libpq: shared (static needs libpq.a, postgresql-server-dev-${PQ_MAJOR}, libkrb5-dev, libldap-dev)")
  target_link_libraries(agentpg_lib PUBLIC PkgConfig::PQ OpenSSL::Crypto)
  return()
endif()

# The sonames the shared libpq was linked against, and the packages that ship them.
execute_process(COMMAND ${READELF_PROGRAM} -d ${PQ_SHARED_LIB} OUTPUT_VARIABLE pq_dynamic_section)
string(REGEX MATCH "\\[(libgssapi[^]]*)\\]" unused "${pq_dynamic_section}")
set(gssapi_soname "${CMAKE_MATCH_1}")
string(REGEX MATCH "\\[(libldap[^]]*)\\]" unused "${pq_dynamic_section}")
set(ldap_soname "${CMAKE_MATCH_1}")
foreach(soname IN ITEMS ${gssapi_soname} ${ldap_soname})
  debian_package_of(${soname} package)
  if(package)
    list(APPEND AGENTPG_DEFERRED_PACKAGES ${package})
  endif()
endforeach()
list(JOIN AGENTPG_DEFERRED_PACKAGES ", " AGENTPG_DEFERRED_PACKAGES)
message(STATUS "libpq: static; loaded at first use: ${gssapi_soname} ${ldap_soname}")

# Linked after libpq.a so that the archive's references to it are resolved.
add_library(agentpg_deferred_libs STATIC src/pg/deferred_libs.cpp)
target_compile_options(agentpg_deferred_libs PRIVATE -Wall -Wextra)
target_include_directories(agentpg_deferred_libs SYSTEM PRIVATE ${GSSAPI_INCLUDE_DIR} ${LDAP_INCLUDE_DIR})
if(gssapi_soname)
  target_compile_definitions(agentpg_deferred_libs PRIVATE AGENTPG_GSSAPI_SONAME="${gssapi_soname}")
endif()
if(ldap_soname)
  target_compile_definitions(agentpg_deferred_libs PRIVATE AGENTPG_LDAP_SONAME="${ldap_soname}")
endif()
target_include_directories(agentpg_lib SYSTEM PUBLIC ${PQ_INCLUDE_DIRS})
target_link_libraries(agentpg_lib PUBLIC ${PQ_STATIC_LIB} agentpg_deferred_libs
  ${PGCOMMON_STATIC_LIB} ${PGPORT_STATIC_LIB} OpenSSL::SSL OpenSSL::Crypto ${CMAKE_DL_LIBS})
