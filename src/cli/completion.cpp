#include <fmt/format.h>

#include "cli/spec.hpp"
#include "util/strings.hpp"

// The three scripts complete the same things: command names; a command's options (with the
// global ones) only once the word starts with '-'; the subcommands of `backup`, `local` and
// `bundled`; option values from the CLI definition (a fixed set, file names, folder names,
// the folders of seeds/ for --env and of migrations/ for --module); file names for `restore
// FILE` and `backup verify FILE`, a fixed set for `bundled install MODULE...`.
namespace agentpg::cli {

namespace {

std::vector<std::string> option_words(const std::vector<OptionSpec>& options) {
  std::vector<std::string> words;
  for (const auto& o : options) {
    for (const auto& n : o.names) {
      if (n.rfind("--", 0) == 0) {
        words.push_back(n);
      }
    }
  }
  return words;
}

void add_value_options(const CommandSpec& command, std::vector<std::string>& words) {
  for (const auto& o : command.options) {
    if (!o.value_name.empty()) {
      words.insert(words.end(), o.names.begin(), o.names.end());
    }
  }
  for (const auto& s : command.subcommands) {
    add_value_options(s, words);
  }
}

std::string names_of(const std::vector<CommandSpec>& commands) {
  std::vector<std::string> names;
  for (const auto& c : commands) {
    names.push_back(c.name);
  }
  return util::join(names, " ");
}

// Single quotes for shell words; help texts never hold a single quote in zsh/fish.
std::string quoted(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c == '\'' ? "'\\''" : std::string(1, c);
  }
  return out;
}

std::string zsh_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == ':') {
      out += '\\';
    }
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out;
}

// The label a shell shows for a value: "TEXT:{a,b}" -> "text".
std::string value_label(const std::string& value_name) {
  return util::to_lower(value_name.substr(0, value_name.find(':')));
}

// ---- bash ----

// The statement that fills COMPREPLY with the values of `kind`, or "" when there are none.
std::string bash_values(ValueKind kind, const std::vector<std::string>& choices) {
  switch (kind) {
  case ValueKind::choice:
    return fmt::format("COMPREPLY=($(compgen -W \"{}\" -- \"$cur\"))", util::join(choices, " "));
  case ValueKind::file:
    return "_agentpg_files -f";
  case ValueKind::directory:
    return "_agentpg_files -d";
  case ValueKind::seed_environment:
    return "_agentpg_folders_of seeds";
  case ValueKind::module:
    return "_agentpg_folders_of migrations";
  default:
    return "";
  }
}

// `case "$cmd $sub $prev"` rows for the options of `command`; `pattern` opens a quote.
std::string bash_value_rows(const CommandSpec& command, const std::string& pattern) {
  std::string out;
  for (const auto& o : command.options) {
    std::string action = bash_values(o.kind, o.choices);
    for (const auto& n : o.names) {
      if (!action.empty()) {
        out += fmt::format("    {} {}\") {} ;;\n", pattern, n, action);
      }
    }
  }
  return out;
}

// What a command completes for a word that is not an option.
std::string bash_arguments(const CommandSpec& root, const CommandSpec& c) {
  if (!c.subcommands.empty()) {
    std::string out = fmt::format("if [[ -z $sub ]]; then COMPREPLY=($(compgen -W \"{}\" -- "
                                  "\"$cur\")); else case $sub in",
                                  names_of(c.subcommands));
    for (const auto& s : c.subcommands) {
      out +=
          fmt::format(" {}) {} ;;", s.name, bash_values(s.positional_kind, s.positional_choices));
    }
    return out + " esac; fi";
  }
  if (c.name == "completion") {
    return "COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\"))";
  }
  if (c.name == "help") {
    return fmt::format("COMPREPLY=($(compgen -W \"{}\" -- \"$cur\"))", names_of(root.subcommands));
  }
  return bash_values(c.positional_kind, c.positional_choices);
}

std::string bash_options(const CommandSpec& c) {
  std::string words = util::join(option_words(c.options), " ");
  if (c.subcommands.empty()) {
    return fmt::format("COMPREPLY=($(compgen -W \"{} $globals\" -- \"$cur\"))", words);
  }
  std::string out = "case $sub in";
  for (const auto& s : c.subcommands) {
    out += fmt::format(" {}) COMPREPLY=($(compgen -W \"{} $globals\" -- \"$cur\")) ;;", s.name,
                       util::join(option_words(s.options), " "));
  }
  return out +
         fmt::format(" *) COMPREPLY=($(compgen -W \"{} $globals\" -- \"$cur\")) ;; esac", words);
}

// ---- zsh ----

std::string zsh_action(const OptionSpec& o) {
  switch (o.kind) {
  case ValueKind::choice:
    return fmt::format(":{}:({})", value_label(o.value_name), util::join(o.choices, " "));
  case ValueKind::file:
    return ":file:_files";
  case ValueKind::directory:
    return ":folder:_files -/";
  case ValueKind::seed_environment:
    return ":environment:_agentpg_folders_of seeds";
  case ValueKind::module:
    return ":module:_agentpg_folders_of migrations";
  case ValueKind::text:
    return ":" + value_label(o.value_name) + ": ";
  default:
    return "";
  }
}

std::string zsh_option_lines(const std::vector<OptionSpec>& options, const std::string& indent,
                             const std::string& end) {
  std::string out;
  for (const auto& o : options) {
    for (const auto& n : o.names) {
      out += fmt::format("{}'{}[{}]{}'{}\n", indent, n, zsh_escape(o.help), zsh_action(o), end);
    }
  }
  return out;
}

std::string zsh_positional(const CommandSpec& c) {
  switch (c.positional_kind) {
  case ValueKind::file:
    return "'1:file:_files'";
  case ValueKind::choice:
    return fmt::format("'*:{}:({})'", util::to_lower(c.positionals.front()),
                       util::join(c.positional_choices, " "));
  case ValueKind::none:
    return "";
  default:
    return "'*::'";
  }
}

// A command with subcommands gets its own function: the subcommand, then its arguments.
std::string zsh_subcommand_function(const CommandSpec& c) {
  std::string out = fmt::format("_agentpg_{}() {{\n  local curcontext=$curcontext state line\n"
                                "  _arguments -C $globals \\\n",
                                c.name);
  out += zsh_option_lines(c.options, "    ", " \\");
  std::vector<std::string> subs;
  for (const auto& s : c.subcommands) {
    subs.push_back(fmt::format("{}\\:\"{}\"", s.name, zsh_escape(s.help)));
  }
  out += fmt::format("    '1:action:(({}))' '*:: :->sub'\n", util::join(subs, " "));
  out += "  [[ $state == sub ]] || return\n  case $words[1] in\n";
  for (const auto& s : c.subcommands) {
    out += fmt::format("    {}) _arguments $globals \\\n", s.name);
    out += zsh_option_lines(s.options, "        ", " \\");
    out += fmt::format("        {} ;;\n", zsh_positional(s));
  }
  return out + "  esac\n}\n\n";
}

// ---- fish ----

std::string fish_values(ValueKind kind, const std::vector<std::string>& choices) {
  switch (kind) {
  case ValueKind::choice:
    return " -x -a '" + util::join(choices, " ") + "'";
  case ValueKind::file:
    return " -r -F";
  case ValueKind::directory:
    return " -x -a '(__fish_complete_directories (commandline -ct))'";
  case ValueKind::seed_environment:
    return " -x -a '(__agentpg_folders_of seeds)'";
  case ValueKind::module:
    return " -x -a '(__agentpg_folders_of migrations)'";
  case ValueKind::text:
    return " -x";
  default:
    return "";
  }
}

std::string fish_option_line(const std::string& condition, const OptionSpec& o) {
  std::string line = "complete -c agentpg" + (condition.empty() ? "" : " -n '" + condition + "'");
  for (const auto& n : o.names) {
    line += n.rfind("--", 0) == 0 ? " -l " + n.substr(2) : " -s " + n.substr(1);
  }
  line += fish_values(o.kind, o.choices);
  return line + " -d '" + quoted(o.help) + "'\n";
}

} // namespace

std::string bash_completion(const CommandSpec& root) {
  std::string out =
      "# bash completion for agentpg (generated by 'agentpg completion bash')\n"
      "_agentpg_files() {\n"
      "  compopt -o filenames 2>/dev/null\n"
      "  mapfile -t COMPREPLY < <(compgen \"$1\" -- \"$cur\")\n"
      "}\n"
      "_agentpg_folders_of() {\n"
      "  mapfile -t COMPREPLY < <(cd \"$1\" 2>/dev/null && compgen -d -- \"$cur\")\n"
      "}\n"
      "_agentpg() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= sub= i word\n";
  std::vector<std::string> takes_value;
  add_value_options(root, takes_value);
  out += fmt::format("  local takes_value=' {} '\n", util::join(takes_value, " "));
  out += "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    word=${COMP_WORDS[i]}\n"
         "    if [[ $takes_value == *\" $word \"* ]]; then ((i++)); continue; fi\n"
         "    [[ $word == -* ]] && continue\n"
         "    if [[ -z $cmd ]]; then cmd=$word; elif [[ -z $sub ]]; then sub=$word; fi\n"
         "  done\n"
         "  COMPREPLY=()\n"
         "  if [[ $takes_value == *\" $prev \"* ]]; then\n"
         "    case \"$cmd $sub $prev\" in\n";
  for (const auto& c : root.subcommands) {
    for (const auto& s : c.subcommands) {
      out += bash_value_rows(s, "\"" + c.name + " " + s.name);
    }
    out += bash_value_rows(c, "\"" + c.name + " \"*\"");
  }
  out += bash_value_rows(root, "*\"");
  out += "    esac\n    return 0\n  fi\n";
  out += fmt::format("  local globals='{}'\n", util::join(option_words(root.options), " "));
  out += "  if [[ $cur == -* ]]; then\n    case $cmd in\n"
         "      '') COMPREPLY=($(compgen -W \"$globals\" -- \"$cur\")) ;;\n";
  for (const auto& c : root.subcommands) {
    out += fmt::format("      {}) {} ;;\n", c.name, bash_options(c));
  }
  out += "    esac\n    return 0\n  fi\n  case $cmd in\n";
  out += fmt::format("    '') COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")) ;;\n",
                     names_of(root.subcommands));
  for (const auto& c : root.subcommands) {
    std::string action = bash_arguments(root, c);
    if (!action.empty()) {
      out += fmt::format("    {}) {} ;;\n", c.name, action);
    }
  }
  out += "  esac\n"
         "}\n"
         "complete -F _agentpg agentpg\n";
  return out;
}

std::string zsh_completion(const CommandSpec& root) {
  std::string out =
      "#compdef agentpg\n# zsh completion for agentpg (generated by 'agentpg completion zsh')\n\n"
      "# _arguments passes compadd's options first: the folder is the last argument.\n"
      "_agentpg_folders_of() {\n"
      "  local -a folders\n"
      "  folders=(${@[-1]}/*(N/:t))\n"
      "  compadd \"${@[1,-2]}\" -a folders\n"
      "}\n\n";
  for (const auto& c : root.subcommands) {
    if (!c.subcommands.empty()) {
      out += zsh_subcommand_function(c);
    }
  }
  out += "_agentpg() {\n  local -a globals commands\n  globals=(\n";
  out += zsh_option_lines(root.options, "    ", "");
  out += "  )\n  commands=(\n";
  for (const auto& c : root.subcommands) {
    out += fmt::format("    '{}:{}'\n", c.name, zsh_escape(c.help));
  }
  out += "  )\n"
         "  local curcontext=$curcontext state line\n"
         "  _arguments -C $globals '1: :->command' '*:: :->args'\n"
         "  case $state in\n"
         "    command) _describe -t commands 'agentpg command' commands ;;\n"
         "    args)\n"
         "      case $words[1] in\n";
  for (const auto& c : root.subcommands) {
    if (!c.subcommands.empty()) {
      out += fmt::format("        {}) _agentpg_{} ;;\n", c.name, c.name);
      continue;
    }
    out += fmt::format("        {})\n          _arguments $globals \\\n", c.name);
    out += zsh_option_lines(c.options, "            ", " \\");
    if (c.name == "completion") {
      out += "            '1:shell:(bash zsh fish)'\n";
    } else if (c.name == "help") {
      out += "            '1:command:(" + names_of(root.subcommands) + ")'\n";
    } else {
      out += "            " + zsh_positional(c) + "\n";
    }
    out += "          ;;\n";
  }
  out += "      esac ;;\n  esac\n}\n\n_agentpg \"$@\"\n";
  return out;
}

std::string fish_completion(const CommandSpec& root) {
  std::vector<std::string> takes_value;
  add_value_options(root, takes_value);
  std::string out =
      "# fish completion for agentpg (generated by 'agentpg completion fish')\n"
      "complete -c agentpg -f\n"
      "# The command and subcommand typed so far (option values left out).\n"
      "function __agentpg_words\n"
      "    set -l tokens (commandline -opc)\n"
      "    set -l skip 0\n"
      "    for t in $tokens[2..-1]\n"
      "        if test $skip = 1\n"
      "            set skip 0\n"
      "        else if contains -- $t " +
      util::join(takes_value, " ") +
      "\n"
      "            set skip 1\n"
      "        else if not string match -q -- '-*' $t\n"
      "            echo $t\n"
      "        end\n"
      "    end\n"
      "end\n"
      "# __agentpg_at [-x] WORD...: the words typed start with WORD... (-x: are exactly them).\n"
      "function __agentpg_at\n"
      "    set -l exact 0\n"
      "    if test \"$argv[1]\" = -x\n"
      "        set exact 1\n"
      "        set -e argv[1]\n"
      "    end\n"
      "    set -l words (__agentpg_words)\n"
      "    test $exact = 0 -o (count $words) -eq (count $argv); or return 1\n"
      "    test (count $words) -ge (count $argv); or return 1\n"
      "    for i in (seq (count $argv))\n"
      "        test \"$words[$i]\" = \"$argv[$i]\"; or return 1\n"
      "    end\n"
      "end\n"
      "function __agentpg_folders_of\n"
      "    for d in $argv[1]/*/\n"
      "        basename $d\n"
      "    end\n"
      "end\n";
  for (const auto& o : root.options) {
    out += fish_option_line("", o);
  }
  for (const auto& c : root.subcommands) {
    out += fmt::format("complete -c agentpg -n '__agentpg_at -x' -a {} -d '{}'\n", c.name,
                       quoted(c.help));
  }
  for (const auto& c : root.subcommands) {
    std::string at = "__agentpg_at " + c.name;
    for (const auto& o : c.options) {
      out += fish_option_line(at, o);
    }
    for (const auto& s : c.subcommands) {
      out += fmt::format("complete -c agentpg -n '__agentpg_at -x {}' -a {} -d '{}'\n", c.name,
                         s.name, quoted(s.help));
      for (const auto& o : s.options) {
        out += fish_option_line(at + " " + s.name, o);
      }
      if (s.positional_kind == ValueKind::file) {
        out += fmt::format("complete -c agentpg -n '{} {}' -F\n", at, s.name);
      }
      if (s.positional_kind == ValueKind::choice) {
        out += fmt::format("complete -c agentpg -n '{} {}'{}\n", at, s.name,
                           fish_values(s.positional_kind, s.positional_choices));
      }
    }
    if (c.positional_kind == ValueKind::file) {
      out += fmt::format("complete -c agentpg -n '{}' -F\n", at);
    }
    if (c.name == "completion") {
      out +=
          fmt::format("complete -c agentpg -n '__agentpg_at -x {}' -a 'bash zsh fish'\n", c.name);
    }
    if (c.name == "help") {
      out += fmt::format("complete -c agentpg -n '__agentpg_at -x {}' -a '{}'\n", c.name,
                         names_of(root.subcommands));
    }
  }
  return out;
}

} // namespace agentpg::cli
