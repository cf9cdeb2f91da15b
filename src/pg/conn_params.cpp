#include "pg/conn_params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <libpq-fe.h>

#include "core/error.hpp"
#include "util/strings.hpp"

namespace agentpg::pg {

namespace {

using core::Error;
using core::ExitCode;

const char* const k_url_hint = "expected postgresql://user:password@host:port/database?param=value "
                               "or a libpq string like \"host=... dbname=...\"";

// A URL that cannot be parsed. Its reason never quotes the text it was read from: the
// caller (ConnParams::parse) names the whole URL with its user-info and secrets masked,
// because where a password ends is exactly what a broken URL leaves unclear.
struct UrlProblem {
  std::string why;
  std::string hint;
};

[[noreturn]] void bad_url(const std::string& why, std::string hint = k_url_hint) {
  throw UrlProblem{why, std::move(hint)};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string decode_percent_escapes(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      bad_url("incomplete percent-escape (write a literal % as %25)");
    }
    int hi = hex_value(text[i + 1]);
    int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) {
      bad_url("malformed percent-escape (write a literal % as %25)");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// `text` with everything between "://" and the last '@' after it masked, except a user
// name before the first ':'. The last '@' of the whole text, not of its authority: a
// password holding '?' or '/' makes the authority end too early.
std::string mask_url_userinfo(std::string_view text) {
  std::string out(text);
  size_t scheme = out.find("://");
  if (scheme == std::string::npos) {
    return mask_secrets(out);
  }
  size_t start = scheme + 3;
  size_t at = out.rfind('@');
  if (at != std::string::npos && at > start) {
    size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
    return mask_secrets(out);
  }
  // No '@': a "port" that is not a number may be a password whose '@' is missing
  // (user:secret/db). Every host's port that is not all digits is masked.
  size_t end = out.find_first_of("/?", start);
  end = end == std::string::npos ? out.size() : end;
  for (size_t colon = out.find(':', start); colon != std::string::npos && colon < end;
       colon = out.find(':', colon + 1)) {
    size_t stop = out.find(',', colon);
    stop = stop == std::string::npos || stop > end ? end : stop;
    std::string_view port(out.data() + colon + 1, stop - colon - 1);
    if (!port.empty() && port.find_first_not_of("0123456789") != std::string_view::npos) {
      out.replace(colon + 1, port.size(), "***");
      end = end - port.size() + 3;
    }
  }
  return mask_secrets(out);
}

// A percent-decoded component of a URL, refused when it holds a NUL: libpq reads C
// strings, so everything after the NUL would silently vanish. `what` names the component;
// a secret component is never shown.
std::string decode_component(std::string_view raw, const std::string& what, bool secret) {
  std::string decoded = decode_percent_escapes(raw);
  if (decoded.find('\0') == std::string::npos) {
    return decoded;
  }
  std::string shown;
  for (char c : decoded) {
    shown += c == '\0' ? std::string("%00") : std::string(1, c);
  }
  bad_url(secret ? fmt::format("the {} holds a NUL byte (%00)", what)
                 : fmt::format("the {} '{}' holds a NUL byte (%00)", what, shown),
          "PostgreSQL cannot store a NUL in a name or value: remove the %00");
}

// "host:port,host2:port2" (IPv6 hosts in brackets) -> libpq's comma lists.
void parse_hosts(std::string_view spec, ConnParams& params) {
  std::vector<std::string> hosts;
  std::vector<std::string> ports;
  bool any_port = false;
  for (const auto& item : util::split(spec, ',')) {
    std::string host;
    std::string port;
    if (!item.empty() && item[0] == '[') {
      size_t close = item.find(']');
      if (close == std::string::npos) {
        bad_url("unterminated '[' in an IPv6 host");
      }
      host = item.substr(1, close - 1);
      if (close + 1 < item.size()) {
        if (item[close + 1] != ':') {
          bad_url("expected ':' after an IPv6 host");
        }
        port = item.substr(close + 2);
      }
    } else {
      size_t colon = item.rfind(':');
      host = decode_component(item.substr(0, colon), "host", false);
      if (colon != std::string::npos) {
        port = item.substr(colon + 1);
      }
    }
    if (!port.empty() && !util::is_all_digits(port)) {
      // Not quoted: in a URL whose password holds an unencoded '?', the "port" is a piece
      // of that password.
      bad_url("a port is not a number",
              "a port is digits (host:5432); percent-encode ':', '/', '?', '#', '@' and '%' "
              "in a user name or password (e.g. '?' as %3F)");
    }
    any_port = any_port || !port.empty();
    hosts.push_back(host);
    ports.push_back(port);
  }
  if (hosts.size() != 1 || !hosts[0].empty()) {
    params.set("host", util::join(hosts, ","));
  }
  if (any_port) {
    params.set("port", util::join(ports, ","));
  }
}

void parse_query(std::string_view query, ConnParams& params) {
  for (const auto& pair : util::split(query, '&')) {
    if (pair.empty()) {
      continue;
    }
    size_t eq = pair.find('=');
    if (eq == std::string::npos) {
      bad_url("a query parameter has no value (write key=value)");
    }
    std::string key = decode_component(pair.substr(0, eq), "query parameter name", false);
    std::string value =
        decode_component(pair.substr(eq + 1), "value of " + key, is_secret_option(key));
    // asyncpg's spelling of sslmode, common in SQLAlchemy URLs.
    if (key == "ssl") {
      key = "sslmode";
      value = value == "true" ? "require" : value == "false" ? "disable" : value;
    }
    params.set(key, value);
  }
}

ConnParams parse_url(std::string_view text) {
  ConnParams params;
  if (text.find_first_of(" \t\r\n") != std::string_view::npos) {
    bad_url("it holds a space or line break (percent-encode it in a password or value: %20)");
  }
  size_t scheme_end = text.find("://");
  std::string scheme = util::to_lower(text.substr(0, scheme_end));
  std::string base_scheme = scheme.substr(0, scheme.find('+'));
  if (base_scheme != "postgres" && base_scheme != "postgresql") {
    bool plain = std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    bad_url(plain ? fmt::format("unsupported scheme '{}' (use postgresql://)", scheme)
                  : std::string("the text before :// is not a scheme (use postgresql://)"));
  }
  std::string_view rest = text.substr(scheme_end + 3);
  size_t query_start = rest.find('?');
  std::string_view query =
      query_start == std::string_view::npos ? "" : rest.substr(query_start + 1);
  rest = rest.substr(0, query_start);
  // The authority ends at the first '/' after the last '@', so an unencoded '/' or '@'
  // in a password still parses.
  size_t last_at = rest.rfind('@');
  size_t path_start = rest.find('/', last_at == std::string_view::npos ? 0 : last_at);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start + 1);
  std::string_view authority = rest.substr(0, path_start);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    size_t colon = userinfo.find(':');
    std::string user = decode_component(userinfo.substr(0, colon), "user name", false);
    if (!user.empty()) {
      params.set("user", user);
    }
    if (colon != std::string_view::npos) {
      params.set("password", decode_component(userinfo.substr(colon + 1), "password", true));
    }
    authority = authority.substr(at + 1);
  }
  parse_hosts(authority, params);
  if (!path.empty()) {
    params.set("dbname", decode_component(path, "database name", false));
  }
  parse_query(query, params);
  return params;
}

ConnParams parse_keyword_value(std::string_view text) {
  ConnParams params;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
  };
  while (true) {
    skip_space();
    if (i >= text.size()) {
      break;
    }
    size_t key_start = i;
    while (i < text.size() && text[i] != '=' &&
           !std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    std::string key(text.substr(key_start, i - key_start));
    skip_space();
    if (i >= text.size() || text[i] != '=') {
      // The word is not quoted: it may be the rest of an unquoted password holding a space.
      bad_url("a word without '=' in the connection string (put a value that holds a space "
              "in single quotes: key='a b')");
    }
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '\'') {
      ++i;
      while (i < text.size() && text[i] != '\'') {
        if (text[i] == '\\' && i + 1 < text.size()) {
          ++i;
        }
        value += text[i++];
      }
      if (i >= text.size()) {
        bad_url(fmt::format("unterminated quoted value for '{}'", key));
      }
      ++i;
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          ++i;
        }
        value += text[i++];
      }
    }
    params.set(key, value);
  }
  return params;
}

bool needs_url_brackets(const std::string& host) {
  return host.find(':') != std::string::npos;
}

} // namespace

std::string percent_decode(std::string_view text) {
  try {
    return decode_percent_escapes(text);
  } catch (const UrlProblem& problem) {
    throw Error(ExitCode::usage, "invalid database URL: " + problem.why, problem.hint);
  }
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

ConnParams ConnParams::parse(std::string_view text) {
  std::string trimmed = util::trim(text);
  // A URL starts with its scheme; a key=value string may hold "://" in a value.
  size_t scheme_end = trimmed.find("://");
  bool url = scheme_end != std::string::npos && scheme_end > 0 &&
             std::isalpha(static_cast<unsigned char>(trimmed[0]));
  for (size_t i = 0; url && i < scheme_end; ++i) {
    char c = trimmed[i];
    url = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  }
  url = url || (scheme_end != std::string::npos && trimmed.find('=') == std::string::npos);
  try {
    if (trimmed.empty()) {
      bad_url("it is empty");
    }
    if (url) {
      return parse_url(trimmed);
    }
    if (trimmed.find('=') != std::string::npos) {
      return parse_keyword_value(trimmed);
    }
    bad_url("it is neither a postgresql:// URL nor a key=value connection string");
  } catch (const UrlProblem& problem) {
    // Only a URL is quoted (masked): a broken key=value string has no reliable edges.
    throw Error(ExitCode::usage,
                url ? fmt::format("invalid database URL: {} (in {})", problem.why,
                                  mask_url_userinfo(trimmed))
                    : "invalid database URL: " + problem.why,
                problem.hint);
  }
}

std::string ConnParams::get(const std::string& key) const {
  for (const auto& [k, v] : m_params) {
    if (k == key) {
      return v;
    }
  }
  return "";
}

bool ConnParams::has(const std::string& key) const {
  for (const auto& param : m_params) {
    if (param.first == key) {
      return true;
    }
  }
  return false;
}

void ConnParams::set(const std::string& key, const std::string& value) {
  for (auto& [k, v] : m_params) {
    if (k == key) {
      v = value;
      return;
    }
  }
  m_params.emplace_back(key, value);
}

void ConnParams::set_default(const std::string& key, const std::string& value) {
  if (!has(key)) {
    m_params.emplace_back(key, value);
  }
}

std::string ConnParams::conninfo() const {
  std::string out;
  for (const auto& [key, value] : m_params) {
    std::string escaped;
    for (char c : value) {
      if (c == '\'' || c == '\\') {
        escaped += '\\';
      }
      escaped += c;
    }
    out += fmt::format("{}{}='{}'", out.empty() ? "" : " ", key, escaped);
  }
  return out;
}

std::string ConnParams::display() const {
  std::string url = "postgresql://";
  if (has("user")) {
    url += percent_encode(get("user"));
  }
  if (has("password")) {
    url += ":***";
  }
  auto secret = [](const std::string& key) { return is_secret_option(key); };
  if (has("user") || has("password")) {
    url += "@";
  }
  std::string host = get("host");
  bool socket_host = !host.empty() && host[0] == '/';
  if (!socket_host) {
    std::vector<std::string> hosts = util::split(host, ',');
    std::vector<std::string> ports = util::split(get("port"), ',');
    for (size_t i = 0; i < hosts.size(); ++i) {
      url += i > 0 ? "," : "";
      url += needs_url_brackets(hosts[i]) ? "[" + hosts[i] + "]" : hosts[i];
      std::string port = i < ports.size() ? ports[i] : (ports.size() == 1 ? ports[0] : "");
      url += port.empty() ? "" : ":" + port;
    }
  }
  url += "/" + percent_encode(get("dbname"));
  std::string query;
  for (const auto& [key, value] : m_params) {
    if (key == "user" || key == "password" || key == "dbname" ||
        (!socket_host && (key == "host" || key == "port"))) {
      continue;
    }
    query += fmt::format("{}{}={}", query.empty() ? "?" : "&", key,
                         secret(key)     ? "***"
                         : key == "host" ? value
                                         : percent_encode(value));
  }
  return url + query;
}

const std::vector<std::string>& secret_options() {
  // Asked of libpq once per run: whatever the libpq linked in marks as a secret (display
  // character '*'), plus the two every libpq since 13 has, should PQconndefaults fail.
  static const std::vector<std::string> k_secrets = [] {
    std::vector<std::string> keys = {"password", "sslpassword"};
    if (PQconninfoOption* options = PQconndefaults(); options != nullptr) {
      for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (o->dispchar != nullptr && std::string(o->dispchar) == "*" &&
            std::find(keys.begin(), keys.end(), o->keyword) == keys.end()) {
          keys.emplace_back(o->keyword);
        }
      }
      PQconninfoFree(options);
    }
    return keys;
  }();
  return k_secrets;
}

bool is_secret_option(const std::string& key) {
  const std::vector<std::string>& secrets = secret_options();
  return std::find(secrets.begin(), secrets.end(), key) != secrets.end();
}

namespace {

// Masks the value of every `key=value` (any case, blanks around '=') in `out`.
void mask_option_values(std::string& out, const std::string& key_name) {
  std::string lower = util::to_lower(out);
  for (size_t key = lower.find(key_name); key != std::string::npos;
       key = lower.find(key_name, key + key_name.size())) {
    size_t eq = lower.find_first_not_of(" \t", key + key_name.size());
    if (eq == std::string::npos || lower[eq] != '=') {
      continue;
    }
    size_t value = lower.find_first_not_of(" \t", eq + 1);
    if (value == std::string::npos) {
      break;
    }
    size_t end = value;
    if (out[value] == '\'') {
      for (end = value + 1; end < out.size() && out[end] != '\''; ++end) {
        end += out[end] == '\\' ? 1 : 0;
      }
      end = std::min(out.size(), end + 1);
    } else {
      // In a URL's query (after '?' or '&') a value ends at the next '&'; in a key=value
      // string only a blank ends it.
      bool in_query = key > 0 && (out[key - 1] == '?' || out[key - 1] == '&');
      end = out.find_first_of(in_query ? " \t\n&" : " \t\n", value);
      end = end == std::string::npos ? out.size() : end;
    }
    if (out.compare(value, end - value, "***") != 0) {
      out.replace(value, end - value, "***");
      lower = util::to_lower(out);
    }
  }
}

} // namespace

std::string mask_secrets(std::string_view text) {
  std::string out(text);
  // user:password@ after a scheme's "://".
  for (size_t scheme = out.find("://"); scheme != std::string::npos;
       scheme = out.find("://", scheme + 3)) {
    // The user-info ends at the last '@' before a blank: a password may hold an
    // unencoded '/', '#' or '?' (masking a little too much in a query is harmless).
    size_t start = scheme + 3;
    size_t end = out.find_first_of(" \t\n", start);
    size_t at = out.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at == std::string::npos || at < start) {
      continue;
    }
    size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // secret=value and secret='quoted value', for every secret libpq knows.
  for (const std::string& key : secret_options()) {
    mask_option_values(out, key);
  }
  return out;
}

} // namespace agentpg::pg
