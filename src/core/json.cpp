#include "core/json.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/utf8.hpp"

namespace agentpg::core {

Json Json::array() {
  Json j;
  j.m_type = Type::array;
  return j;
}

Json Json::object() {
  Json j;
  j.m_type = Type::object;
  return j;
}

Json& Json::set(const std::string& key, Json value) {
  for (auto& member : m_members) {
    if (member.first == key) {
      member.second = std::move(value);
      return *this;
    }
  }
  m_members.emplace_back(key, std::move(value));
  return *this;
}

Json Json::with_first(const std::string& key, Json value) const {
  Json result = object();
  result.set(key, std::move(value));
  for (const auto& member : m_members) {
    result.set(member.first, member.second);
  }
  return result;
}

Json& Json::push(Json value) {
  m_items.push_back(std::move(value));
  return *this;
}

size_t Json::size() const {
  return m_type == Type::object ? m_members.size() : m_items.size();
}

const Json* Json::find(const std::string& key) const {
  for (const auto& member : m_members) {
    if (member.first == key) {
      return &member.second;
    }
  }
  return nullptr;
}

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  out.reserve(s.size() + 2);
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // JSON is UTF-8 (RFC 8259): a well-formed sequence is copied, anything else (a stray
      // byte of Latin-1, an overlong form, a surrogate, a cut-off sequence) becomes one
      // U+FFFD per maximal subpart, so every document parses.
      if (size_t n = utf8_sequence_length(s, i)) {
        out.append(s, i, n);
        i += n;
      } else {
        out += "\\ufffd";
        i += utf8_invalid_length(s, i);
      }
      continue;
    }
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += fmt::format("\\u{:04x}", c);
      } else {
        out += static_cast<char>(c);
      }
    }
    ++i;
  }
  return out + "\"";
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

void Json::dump_to(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent > 0) {
      out += '\n';
      out.append(static_cast<size_t>(indent * d), ' ');
    }
  };
  switch (m_type) {
  case Type::null:
    out += "null";
    return;
  case Type::boolean:
    out += m_bool ? "true" : "false";
    return;
  case Type::integer:
    out += std::to_string(m_int);
    return;
  case Type::number:
    out += std::isfinite(m_double) ? fmt::format("{}", m_double) : "null";
    return;
  case Type::string:
    out += json_quote(m_string);
    return;
  case Type::array:
    out += '[';
    for (size_t i = 0; i < m_items.size(); ++i) {
      out += i > 0 ? "," : "";
      newline(depth + 1);
      m_items[i].dump_to(out, indent, depth + 1);
    }
    if (!m_items.empty()) {
      newline(depth);
    }
    out += ']';
    return;
  case Type::object:
    out += '{';
    for (size_t i = 0; i < m_members.size(); ++i) {
      out += i > 0 ? "," : "";
      newline(depth + 1);
      out += json_quote(m_members[i].first);
      out += indent > 0 ? ": " : ":";
      m_members[i].second.dump_to(out, indent, depth + 1);
    }
    if (!m_members.empty()) {
      newline(depth);
    }
    out += '}';
    return;
  }
}

} // namespace agentpg::core
