#pragma once
// A small JSON value for --json output: objects keep their insertion order so the
// documented shapes print the same way every time.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace agentpg::core {

class Json {
public:
  enum class Type { null, boolean, integer, number, string, array, object };

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : m_type(Type::boolean), m_bool(b) {}
  Json(int i) : m_type(Type::integer), m_int(i) {}
  Json(long i) : m_type(Type::integer), m_int(i) {}
  Json(long long i) : m_type(Type::integer), m_int(i) {}
  Json(unsigned long long i) : m_type(Type::integer), m_int(static_cast<long long>(i)) {}
  Json(unsigned long i) : m_type(Type::integer), m_int(static_cast<long long>(i)) {}
  Json(double d) : m_type(Type::number), m_double(d) {}
  Json(const char* s) : m_type(Type::string), m_string(s) {}
  Json(std::string s) : m_type(Type::string), m_string(std::move(s)) {}

  static Json array();
  static Json object();

  // Object: sets (or replaces) `key`. Returns *this for chaining.
  Json& set(const std::string& key, Json value);
  // Object: `key` first, then this object's members (its own `key`, if any, wins).
  Json with_first(const std::string& key, Json value) const;
  // Array: appends.
  Json& push(Json value);

  Type type() const { return m_type; }
  size_t size() const;
  const Json* find(const std::string& key) const;

  // Compact when indent == 0, else pretty-printed with that many spaces.
  std::string dump(int indent = 2) const;

private:
  void dump_to(std::string& out, int indent, int depth) const;

  Type m_type = Type::null;
  bool m_bool = false;
  long long m_int = 0;
  double m_double = 0;
  std::string m_string;
  std::vector<Json> m_items;
  std::vector<std::pair<std::string, Json>> m_members;
};

// JSON string literal with quotes and escapes. Always valid UTF-8 JSON, whatever the bytes:
// a byte sequence that is not well-formed UTF-8 (see core/utf8.hpp) is written as one
// \ufffd (U+FFFD REPLACEMENT CHARACTER) per maximal subpart, as Python's
// bytes.decode("utf-8", "replace") reads it; control characters as \n, \r, \t or \u00XX.
std::string json_quote(const std::string& s);

} // namespace agentpg::core
