// libpq's Kerberos (GSSAPI) and LDAP calls, with their libraries loaded at first use.
//
// libpq is linked into agentpg statically. Linked the usual way, the shared libpq makes the
// dynamic loader map and relocate libgssapi_krb5 and libldap, and with them krb5, gnutls,
// nettle, gmp, p11-kit and ten more: 19 libraries besides libpq, and about half of every
// run's start-up on a 2-core machine (`agentpg --version`: 4.2 ms before, 2.0 ms after;
// bench/run), for features most connections never touch. GSSAPI
// is used by TCP connections (asking for credentials, then GSS encryption or Kerberos
// authentication); LDAP only when a connection service is looked up on an LDAP server.
//
// Each function below has the name and signature libpq calls. The first call dlopen()s the
// library libpq was built against (its soname comes from the shared libpq at configure
// time) and forwards to the real function. When the library cannot be loaded, the calls
// fail the way the libraries report failure, so libpq's own messages explain it, and a
// connection that only *prefers* GSS encryption carries on without it, as it does when no
// Kerberos credentials exist. The executable does not export these names, so the loaded
// libraries never bind to them in place of their own.
//
// This file is linked after libpq.a (CMakeLists.txt), not through agentpg_lib.
#define LDAP_DEPRECATED 1

#include <dlfcn.h>
#include <gssapi/gssapi.h>
#include <ldap.h>

#include <cstring>

#ifndef AGENTPG_GSSAPI_SONAME
#define AGENTPG_GSSAPI_SONAME "libgssapi_krb5.so.2"
#endif
#ifndef AGENTPG_LDAP_SONAME
#define AGENTPG_LDAP_SONAME "libldap-2.5.so.0"
#endif

namespace {

void* gssapi_library() {
  static void* const handle = dlopen(AGENTPG_GSSAPI_SONAME, RTLD_NOW | RTLD_LOCAL);
  return handle;
}

void* ldap_library() {
  static void* const handle = dlopen(AGENTPG_LDAP_SONAME, RTLD_NOW | RTLD_LOCAL);
  return handle;
}

// The real function `name` of `library`, or nullptr when the library did not load.
template <typename Function> Function* real(void* library, const char* name) {
  return library == nullptr ? nullptr : reinterpret_cast<Function*>(dlsym(library, name));
}

OM_uint32 gssapi_unavailable(OM_uint32* minor_status) {
  if (minor_status != nullptr) {
    *minor_status = 0;
  }
  return GSS_S_FAILURE;
}

char k_gssapi_missing[] = "the GSSAPI library " AGENTPG_GSSAPI_SONAME " could not be loaded";
char k_ldap_missing[] = "the LDAP library " AGENTPG_LDAP_SONAME " could not be loaded";

// 1.2.840.113554.1.2.1.4, the OID MIT's library gives this name (RFC 2743, 4.1). libpq
// reads the variable before its first GSSAPI call, so it cannot wait for the library;
// the library compares name types by value.
unsigned char k_hostbased_service_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                           0x12, 0x01, 0x02, 0x01, 0x04};
gss_OID_desc k_hostbased_service = {sizeof k_hostbased_service_oid, k_hostbased_service_oid};

} // namespace

extern "C" {

gss_OID GSS_C_NT_HOSTBASED_SERVICE = &k_hostbased_service;

OM_uint32 gss_acquire_cred(OM_uint32* minor_status, gss_name_t desired_name, OM_uint32 time_req,
                           gss_OID_set desired_mechs, gss_cred_usage_t cred_usage,
                           gss_cred_id_t* output_cred_handle, gss_OID_set* actual_mechs,
                           OM_uint32* time_rec) {
  static auto* const f = real<decltype(gss_acquire_cred)>(gssapi_library(), "gss_acquire_cred");
  return f == nullptr ? gssapi_unavailable(minor_status)
                      : f(minor_status, desired_name, time_req, desired_mechs, cred_usage,
                          output_cred_handle, actual_mechs, time_rec);
}

OM_uint32 gss_release_cred(OM_uint32* minor_status, gss_cred_id_t* cred_handle) {
  static auto* const f = real<decltype(gss_release_cred)>(gssapi_library(), "gss_release_cred");
  return f == nullptr ? gssapi_unavailable(minor_status) : f(minor_status, cred_handle);
}

OM_uint32 gss_import_name(OM_uint32* minor_status, gss_buffer_t input_name_buffer,
                          gss_OID input_name_type, gss_name_t* output_name) {
  static auto* const f = real<decltype(gss_import_name)>(gssapi_library(), "gss_import_name");
  return f == nullptr ? gssapi_unavailable(minor_status)
                      : f(minor_status, input_name_buffer, input_name_type, output_name);
}

OM_uint32 gss_release_name(OM_uint32* minor_status, gss_name_t* input_name) {
  static auto* const f = real<decltype(gss_release_name)>(gssapi_library(), "gss_release_name");
  return f == nullptr ? gssapi_unavailable(minor_status) : f(minor_status, input_name);
}

OM_uint32 gss_init_sec_context(OM_uint32* minor_status, gss_cred_id_t claimant_cred_handle,
                               gss_ctx_id_t* context_handle, gss_name_t target_name,
                               gss_OID mech_type, OM_uint32 req_flags, OM_uint32 time_req,
                               gss_channel_bindings_t input_chan_bindings, gss_buffer_t input_token,
                               gss_OID* actual_mech_type, gss_buffer_t output_token,
                               OM_uint32* ret_flags, OM_uint32* time_rec) {
  static auto* const f =
      real<decltype(gss_init_sec_context)>(gssapi_library(), "gss_init_sec_context");
  return f == nullptr ? gssapi_unavailable(minor_status)
                      : f(minor_status, claimant_cred_handle, context_handle, target_name,
                          mech_type, req_flags, time_req, input_chan_bindings, input_token,
                          actual_mech_type, output_token, ret_flags, time_rec);
}

OM_uint32 gss_delete_sec_context(OM_uint32* minor_status, gss_ctx_id_t* context_handle,
                                 gss_buffer_t output_token) {
  static auto* const f =
      real<decltype(gss_delete_sec_context)>(gssapi_library(), "gss_delete_sec_context");
  return f == nullptr ? gssapi_unavailable(minor_status)
                      : f(minor_status, context_handle, output_token);
}

OM_uint32 gss_wrap(OM_uint32* minor_status, gss_ctx_id_t context_handle, int conf_req_flag,
                   gss_qop_t qop_req, gss_buffer_t input_message_buffer, int* conf_state,
                   gss_buffer_t output_message_buffer) {
  static auto* const f = real<decltype(gss_wrap)>(gssapi_library(), "gss_wrap");
  return f == nullptr ? gssapi_unavailable(minor_status)
                      : f(minor_status, context_handle, conf_req_flag, qop_req,
                          input_message_buffer, conf_state, output_message_buffer);
}

OM_uint32 gss_unwrap(OM_uint32* minor_status, gss_ctx_id_t context_handle,
                     gss_buffer_t input_message_buffer, gss_buffer_t output_message_buffer,
                     int* conf_state, gss_qop_t* qop_state) {
  static auto* const f = real<decltype(gss_unwrap)>(gssapi_library(), "gss_unwrap");
  return f == nullptr ? gssapi_unavailable(minor_status)
                      : f(minor_status, context_handle, input_message_buffer, output_message_buffer,
                          conf_state, qop_state);
}

OM_uint32 gss_wrap_size_limit(OM_uint32* minor_status, gss_ctx_id_t context_handle,
                              int conf_req_flag, gss_qop_t qop_req, OM_uint32 req_output_size,
                              OM_uint32* max_input_size) {
  static auto* const f =
      real<decltype(gss_wrap_size_limit)>(gssapi_library(), "gss_wrap_size_limit");
  return f == nullptr ? gssapi_unavailable(minor_status)
                      : f(minor_status, context_handle, conf_req_flag, qop_req, req_output_size,
                          max_input_size);
}

// libpq prints whatever this returns without checking the status, so without the library
// it gets a message saying why.
OM_uint32 gss_display_status(OM_uint32* minor_status, OM_uint32 status_value, int status_type,
                             gss_OID mech_type, OM_uint32* message_context,
                             gss_buffer_t status_string) {
  static auto* const f = real<decltype(gss_display_status)>(gssapi_library(), "gss_display_status");
  if (f != nullptr) {
    return f(minor_status, status_value, status_type, mech_type, message_context, status_string);
  }
  status_string->length = std::strlen(k_gssapi_missing);
  status_string->value = k_gssapi_missing;
  *message_context = 0;
  return gssapi_unavailable(minor_status);
}

// Without the library, the only buffers libpq can hold are the messages above.
OM_uint32 gss_release_buffer(OM_uint32* minor_status, gss_buffer_t buffer) {
  static auto* const f = real<decltype(gss_release_buffer)>(gssapi_library(), "gss_release_buffer");
  if (f != nullptr) {
    return f(minor_status, buffer);
  }
  buffer->length = 0;
  buffer->value = nullptr;
  *minor_status = 0;
  return GSS_S_COMPLETE;
}

LDAP* ldap_init(const char* host, int port) {
  static auto* const f = real<decltype(ldap_init)>(ldap_library(), "ldap_init");
  return f == nullptr ? nullptr : f(host, port);
}

int ldap_set_option(LDAP* ld, int option, const void* invalue) {
  static auto* const f = real<decltype(ldap_set_option)>(ldap_library(), "ldap_set_option");
  return f == nullptr ? LDAP_OPT_ERROR : f(ld, option, invalue);
}

int ldap_simple_bind(LDAP* ld, const char* who, const char* passwd) {
  static auto* const f = real<decltype(ldap_simple_bind)>(ldap_library(), "ldap_simple_bind");
  return f == nullptr ? -1 : f(ld, who, passwd);
}

int ldap_result(LDAP* ld, int msgid, int all, struct timeval* timeout, LDAPMessage** result) {
  static auto* const f = real<decltype(ldap_result)>(ldap_library(), "ldap_result");
  return f == nullptr ? -1 : f(ld, msgid, all, timeout, result);
}

int ldap_msgfree(LDAPMessage* lm) {
  static auto* const f = real<decltype(ldap_msgfree)>(ldap_library(), "ldap_msgfree");
  return f == nullptr ? 0 : f(lm);
}

int ldap_search_st(LDAP* ld, const char* base, int scope, const char* filter, char** attrs,
                   int attrsonly, struct timeval* timeout, LDAPMessage** res) {
  static auto* const f = real<decltype(ldap_search_st)>(ldap_library(), "ldap_search_st");
  return f == nullptr ? LDAP_OTHER : f(ld, base, scope, filter, attrs, attrsonly, timeout, res);
}

int ldap_count_entries(LDAP* ld, LDAPMessage* chain) {
  static auto* const f = real<decltype(ldap_count_entries)>(ldap_library(), "ldap_count_entries");
  return f == nullptr ? -1 : f(ld, chain);
}

LDAPMessage* ldap_first_entry(LDAP* ld, LDAPMessage* chain) {
  static auto* const f = real<decltype(ldap_first_entry)>(ldap_library(), "ldap_first_entry");
  return f == nullptr ? nullptr : f(ld, chain);
}

struct berval** ldap_get_values_len(LDAP* ld, LDAPMessage* entry, const char* target) {
  static auto* const f = real<decltype(ldap_get_values_len)>(ldap_library(), "ldap_get_values_len");
  return f == nullptr ? nullptr : f(ld, entry, target);
}

void ldap_value_free_len(struct berval** vals) {
  static auto* const f = real<decltype(ldap_value_free_len)>(ldap_library(), "ldap_value_free_len");
  if (f != nullptr) {
    f(vals);
  }
}

int ldap_unbind(LDAP* ld) {
  static auto* const f = real<decltype(ldap_unbind)>(ldap_library(), "ldap_unbind");
  return f == nullptr ? LDAP_OTHER : f(ld);
}

char* ldap_err2string(int err) {
  static auto* const f = real<decltype(ldap_err2string)>(ldap_library(), "ldap_err2string");
  return f == nullptr ? k_ldap_missing : f(err);
}

} // extern "C"
