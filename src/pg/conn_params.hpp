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
  // Throws core::Error (usage) with a message that never contains the password.
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

// Whether libpq treats a connection option as a secret (password, sslpassword).
bool is_secret_option(const std::string& key);

// Replaces passwords in free text (user:password@ in URLs, password=... pairs) with ***.
std::string mask_secrets(std::string_view text);

// Percent-decodes; throws core::Error (usage) on a malformed escape.
std::string percent_decode(std::string_view text);
std::string percent_encode(std::string_view text);

} // namespace agentpg::pg
