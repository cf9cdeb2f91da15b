#include "util/yaml_stream.hpp"

#include <fmt/format.h>
#include <yaml.h>

#include <string>
#include <unordered_map>

namespace agentpg::util {

namespace {

YamlMark mark_of(const yaml_mark_t& mark) {
  return YamlMark{static_cast<int>(mark.line), static_cast<int>(mark.column)};
}

// yaml-cpp's null words, so that both readers read a file the same way.
bool null_word(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

} // namespace

struct YamlStream::Parser {
  yaml_parser_t parser{};
  yaml_event_t event{};
  bool has_event = false;
  std::FILE* file = nullptr;
  std::function<void(std::string_view)> on_read;
  std::unordered_map<std::string, size_t> anchors; // name -> the builder's number
  size_t next_anchor = 1;

  Parser() { yaml_parser_initialize(&parser); }
  ~Parser() {
    if (has_event) {
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
  }

  static int read(void* data, unsigned char* buffer, size_t size, size_t* size_read) {
    auto* self = static_cast<Parser*>(data);
    *size_read = std::fread(buffer, 1, size, self->file);
    if (*size_read == 0 && std::ferror(self->file)) {
      return 0;
    }
    if (self->on_read) {
      self->on_read(std::string_view(reinterpret_cast<const char*>(buffer), *size_read));
    }
    return 1;
  }

  // The next event, parsed if not yet.
  yaml_event_t& current() {
    if (!has_event) {
      if (yaml_parser_parse(&parser, &event) == 0) {
        fail();
      }
      has_event = true;
    }
    return event;
  }
  void consume() {
    current();
    yaml_event_delete(&event);
    has_event = false;
  }

  [[noreturn]] void fail() const {
    std::string problem = parser.problem != nullptr ? parser.problem : "malformed YAML";
    if (parser.error == YAML_READER_ERROR) {
      throw YamlError(mark_of(parser.mark), problem, true);
    }
    if (parser.context != nullptr) {
      problem +=
          fmt::format(" ({} that starts at line {})", parser.context, parser.context_mark.line + 1);
    }
    throw YamlError(mark_of(parser.problem_mark), problem, true);
  }

  size_t anchor_of(const yaml_char_t* name, bool define) {
    if (name == nullptr) {
      return 0;
    }
    std::string key(reinterpret_cast<const char*>(name));
    if (define) { // a name defined again stands for its newest node from here on
      return anchors[key] = next_anchor++;
    }
    auto it = anchors.find(key);
    return it == anchors.end() ? 0 : it->second;
  }
};

YamlStream::YamlStream(std::string_view text) : m_parser(std::make_unique<Parser>()) {
  yaml_parser_set_input_string(&m_parser->parser,
                               reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

YamlStream::YamlStream(std::FILE* file, std::function<void(std::string_view)> on_read)
    : m_parser(std::make_unique<Parser>()) {
  m_parser->file = file;
  m_parser->on_read = std::move(on_read);
  yaml_parser_set_input(&m_parser->parser, &Parser::read, m_parser.get());
}

YamlStream::~YamlStream() = default;

bool YamlStream::start_document() {
  while (true) {
    yaml_event_type_t type = m_parser->current().type;
    if (type == YAML_STREAM_END_EVENT) {
      return false;
    }
    m_parser->consume();
    if (type == YAML_DOCUMENT_START_EVENT) {
      return true;
    }
  }
}

YamlStream::Event YamlStream::peek() {
  switch (m_parser->current().type) {
  case YAML_MAPPING_START_EVENT:
    return Event::map_start;
  case YAML_MAPPING_END_EVENT:
    return Event::map_end;
  case YAML_SEQUENCE_START_EVENT:
    return Event::sequence_start;
  case YAML_SEQUENCE_END_EVENT:
    return Event::sequence_end;
  case YAML_SCALAR_EVENT:
  case YAML_ALIAS_EVENT:
    return Event::node;
  default:
    return Event::end;
  }
}

YamlMark YamlStream::peek_mark() {
  return mark_of(m_parser->current().start_mark);
}

void YamlStream::skip() {
  m_parser->consume();
}

// Hands events to the builder until it holds a complete node.
void YamlStream::feed_builder() {
  do {
    yaml_event_t& e = m_parser->current();
    YamlMark mark = mark_of(e.start_mark);
    switch (e.type) {
    case YAML_SCALAR_EVENT: {
      const auto& s = e.data.scalar;
      std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
      size_t anchor = m_parser->anchor_of(s.anchor, true);
      bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
      if (plain && s.tag == nullptr && null_word(text)) {
        m_builder.null(mark, anchor);
      } else {
        m_builder.scalar(mark, std::string(text), !plain && s.tag == nullptr, anchor);
      }
      break;
    }
    case YAML_ALIAS_EVENT:
      m_builder.alias(mark, m_parser->anchor_of(e.data.alias.anchor, false));
      break;
    case YAML_SEQUENCE_START_EVENT:
      m_builder.open(YamlNode::Type::sequence, mark,
                     m_parser->anchor_of(e.data.sequence_start.anchor, true));
      break;
    case YAML_MAPPING_START_EVENT:
      m_builder.open(YamlNode::Type::map, mark,
                     m_parser->anchor_of(e.data.mapping_start.anchor, true));
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      m_builder.close();
      break;
    default:
      throw YamlError(mark, "expected a value here", true);
    }
    m_parser->consume();
  } while (!m_builder.complete());
}

YamlNode YamlStream::node() {
  feed_builder();
  return m_builder.take();
}

} // namespace agentpg::util
