#pragma once
// Database URLs and libpq keyword/value strings, parsed into libpq's own keywords so
// that every form reaches libpq the same way and can be shown with its password masked.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentpg::pg {

class ConnParams {
public:
  // Parses postgres:// and postgresql:// URLs (a `+driver` suffix on the scheme, as
  // SQLAlchemy writes it, is dropped), or a libpq "key=value key='v a l'" string.
  // Throws core::Error (usage) with a message that never contains a secret: a broken URL
  // is quoted with its user-info masked, and a component holding a NUL (%00) is refused.
  static ConnParams parse(std::string_view text);

  // Empty parameters: libpq's defaults (PGHOST, PGDATABASE, ~/.pgpass, service files).
  ConnParams() = default;

  std::string get(const std::string& key) const;
  bool has(const std::string& key) const;
  // Sets `key` (replacing an existing value).
  void set(const std::string& key, const std::string& value);
  // Sets `key` only when it is not set yet.
  void set_default(const std::string& key, const std::string& value);
  const std::vector<std::pair<std::string, std::string>>& params() const { return m_params; }

  // The libpq conninfo string (key='value' pairs, quoted and escaped).
  std::string conninfo() const;
  // A postgresql:// URL for people and logs; every secret (is_secret_option) shows as ***.
  std::string display() const;

private:
  std::vector<std::pair<std::string, std::string>> m_params;
};

// The connection options libpq treats as secrets: those PQconndefaults() marks with the
// display character '*' (password, sslpassword, and any a newer libpq adds).
const std::vector<std::string>& secret_options();
// Whether `key` is one of them.
bool is_secret_option(const std::string& key);

// Replaces secrets in free text (user:password@ in URLs, password=..., sslpassword=...
// and every other secret option's key=value pairs) with ***.
std::string mask_secrets(std::string_view text);

// Percent-decodes; throws core::Error (usage) on a malformed escape.
std::string percent_decode(std::string_view text);
std::string percent_encode(std::string_view text);

} // namespace agentpg::pg
