// src/pg/deferred_libs.cpp built with sonames that do not exist (tests/CMakeLists.txt):
// what libpq gets from each function when the library it forwards to cannot be loaded.
// With the libraries present, tests/cli/auth_libraries.sh covers the forwarding.
#define LDAP_DEPRECATED 1

#include <doctest/doctest.h>
#include <gssapi/gssapi.h>
#include <ldap.h>

#include <string>

TEST_SUITE("pg::deferred_libs") {
  TEST_CASE("without the GSSAPI library, asking for credentials fails as when there are none") {
    OM_uint32 minor = 99;
    gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
    CHECK(gss_acquire_cred(&minor, GSS_C_NO_NAME, 0, GSS_C_NO_OID_SET, GSS_C_INITIATE, &cred,
                           nullptr, nullptr) == GSS_S_FAILURE);
    CHECK(minor == 0);
    CHECK(cred == GSS_C_NO_CREDENTIAL);
  }

  TEST_CASE("without the GSSAPI library, the status message names the library") {
    OM_uint32 minor = 0;
    OM_uint32 context = 7;
    gss_buffer_desc message = GSS_C_EMPTY_BUFFER;
    gss_display_status(&minor, GSS_S_FAILURE, GSS_C_GSS_CODE, GSS_C_NO_OID, &context, &message);
    CHECK(std::string(static_cast<char*>(message.value), message.length) ==
          "the GSSAPI library libagentpg-missing-gssapi.so.0 could not be loaded");
    CHECK(context == 0);
    CHECK(gss_release_buffer(&minor, &message) == GSS_S_COMPLETE);
    CHECK(message.value == nullptr);
    CHECK(message.length == 0);
  }

  TEST_CASE("the host-based service name type is its RFC 2743 OID before any library is loaded") {
    REQUIRE(GSS_C_NT_HOSTBASED_SERVICE != nullptr);
    CHECK(std::string(static_cast<char*>(GSS_C_NT_HOSTBASED_SERVICE->elements),
                      GSS_C_NT_HOSTBASED_SERVICE->length) ==
          "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04");
  }

  TEST_CASE("without the LDAP library, a lookup cannot start and the error names the library") {
    CHECK(ldap_init("127.0.0.1", 389) == nullptr);
    CHECK(ldap_unbind(nullptr) == LDAP_OTHER);
    CHECK(std::string(ldap_err2string(LDAP_SERVER_DOWN)) ==
          "the LDAP library libagentpg-missing-ldap.so.0 could not be loaded");
  }
}
