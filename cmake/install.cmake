# What `cmake --install` and `cpack -G DEB` put where Debian expects it: the binary
# (stripped), the man page and the changelog compressed, the copyright file, and the
# completions.
include(GNUInstallDirs)
set(AGENTPG_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/agentpg)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_SOURCE_DIR}/packaging/changelog)

# packaging/changelog (Debian's format) names the version and, in its newest entry's
# signature, the maintainer: the package takes both from there.
file(STRINGS ${CMAKE_SOURCE_DIR}/packaging/changelog changelog_head LIMIT_COUNT 1)
if(NOT changelog_head MATCHES "^agentpg \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/changelog starts with '${changelog_head}': its newest entry "
                      "must be for agentpg ${PROJECT_VERSION} (the project's version)")
endif()
file(STRINGS ${CMAKE_SOURCE_DIR}/packaging/changelog changelog_trailer REGEX "^ -- " LIMIT_COUNT 1)
string(REGEX REPLACE "^ -- (.*>)  .*$" "\\1" AGENTPG_MAINTAINER "${changelog_trailer}")

# The copyright file in Debian's machine-readable format, the licence text from LICENSE.
file(READ ${CMAKE_SOURCE_DIR}/LICENSE license_text)
string(REGEX REPLACE "^MIT License\n\n(Copyright \\(c\\) )?" "" license_text "${license_text}")
string(REGEX MATCH "^[^\n]*" license_holder "${license_text}")
string(REGEX REPLACE "^[^\n]*\n\n" "" license_text "${license_text}")
string(REGEX REPLACE "\n$" "" license_text "${license_text}")
string(REGEX REPLACE "\n\n" "\n.\n" license_text "${license_text}")
string(REGEX REPLACE "\n" "\n " license_text "${license_text}")
file(WRITE ${CMAKE_BINARY_DIR}/copyright
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: agentpg
Comment: The binary contains statically linked copies of libpq and the parts of
 libpgcommon and libpgport it needs (PostgreSQL Licence), libpg_query (BSD-3-clause),
 libpqxx (BSD-3-clause), yaml-cpp (Expat), hiredis (BSD-3-clause), fmt (Expat) and
 CLI11 (BSD-3-clause), as built by Debian; their licences are in the copyright files of
 libpq-dev, postgresql-server-dev-15, libpg-query-dev, libpqxx-dev, libyaml-cpp-dev,
 libhiredis-dev, libfmt-dev and libcli11-dev.

Files: *
Copyright: ${license_holder}
License: Expat
 ${license_text}
")

find_program(GZIP_PROGRAM gzip REQUIRED)
foreach(doc man/agentpg.1 packaging/changelog)
  get_filename_component(doc_name ${doc} NAME)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${doc_name}.gz
    COMMAND sh -c "${GZIP_PROGRAM} -9 -n -c \"$0\" > \"$1\"" ${CMAKE_SOURCE_DIR}/${doc}
            ${CMAKE_BINARY_DIR}/${doc_name}.gz
    DEPENDS ${CMAKE_SOURCE_DIR}/${doc} VERBATIM)
  list(APPEND compressed_docs ${CMAKE_BINARY_DIR}/${doc_name}.gz)
endforeach()
add_custom_target(agentpg_docs ALL DEPENDS ${compressed_docs})

option(AGENTPG_INSTALL_STRIP "Strip the binary that cmake --install installs" ON)
install(TARGETS agentpg RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(AGENTPG_INSTALL_STRIP AND CMAKE_STRIP)
  install(CODE "
    set(installed \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/agentpg\")
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-unneeded \"\${installed}\" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"strip \${installed} failed\")
    endif()")
endif()
install(FILES ${CMAKE_BINARY_DIR}/agentpg.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/copyright DESTINATION ${AGENTPG_DOC_DIR})
install(FILES ${CMAKE_BINARY_DIR}/changelog.gz DESTINATION ${AGENTPG_DOC_DIR})
install(FILES docs/output.schema.json DESTINATION ${AGENTPG_DOC_DIR})
install(FILES completions/agentpg.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME agentpg)
install(FILES completions/_agentpg DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES completions/agentpg.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# cpack -G DEB builds a Debian package of the above.
set(CPACK_PACKAGE_NAME agentpg)
set(CPACK_PACKAGE_CONTACT "${AGENTPG_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${AGENTPG_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "create, migrate, seed, check, back up and restore PostgreSQL databases")
set(CPACK_PACKAGE_DESCRIPTION "agentpg is one binary that owns the life of the PostgreSQL
database behind an AI-agent platform: it creates the database,
applies and reverts migrations (dbmate, golang-migrate and diesel
layouts), loads seed data, checks the schema and the server's
health, and makes and restores verified backups. It ships the
schemas and seed data of five agent systems.")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-client-15")
if(AGENTPG_DEFERRED_PACKAGES)
  string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", ${AGENTPG_DEFERRED_PACKAGES}")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql-15")
include(CPack)
