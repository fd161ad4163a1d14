#include "cli/manual.hpp"

#include "cli/option_table.hpp"
#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>

#ifndef CCAUDIT_VERSION
#define CCAUDIT_VERSION "unknown"
#endif

namespace ccaudit::cli {

namespace {

// ---------------------------------------------------------------------------
// The command line, as the generators see it.

// One command that the user can type: "scan", "baseline export".
struct Command
{
  std::string path; // "" for the program itself
  const CLI::App* app;
};

std::vector<const CLI::App*>
visible_subcommands(const CLI::App* app)
{
  return app->get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

void
collect(const CLI::App* app, const std::string& path, std::vector<Command>& out)
{
  out.push_back({path, app});
  for (const auto* sub : visible_subcommands(app)) {
    collect(sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
  }
}

std::vector<Command>
commands_of(const CLI::App& app)
{
  std::vector<Command> out;
  collect(&app, "", out);
  return out;
}

// The options of `app` that the user types, in --help's order (help and
// version first, then as added).
std::vector<const CLI::Option*>
named_options(const CLI::App* app)
{
  return app->get_options([](const CLI::Option* o) { return !o->get_positional(); });
}

std::vector<const CLI::Option*>
positionals(const CLI::App* app)
{
  return app->get_options([](const CLI::Option* o) { return o->get_positional(); });
}

bool
takes_value(const CLI::Option* o)
{
  return o->get_expected_max() > 0; // a flag expects none
}

bool
repeatable(const CLI::Option* o)
{
  return o->get_items_expected_max() > 1;
}


// "N", "NUMBER", "text|csv|json": the value's name as --help shows it, less
// its C++ type ("UINT:N" -> "N").
std::string
value_name(const CLI::Option* o)
{
  auto name = o->get_type_name();
  const auto colon = name.rfind(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

// The option tables, by command: what the command line does not keep (the
// configuration key, the values allowed, the choices).
class Tables
{
public:
  Tables()
  {
    m_by_command["scan"] = scan_options(m_scan);
    m_by_command["report"] = report_options(m_report);
    m_by_command["export"] = export_options(m_export);
    m_by_command["lookup"] = lookup_options(m_lookup);
    m_by_command["explain"] = explain_options(m_explain);
    m_by_command["merge"] = merge_options(m_merge);
    m_by_command["baseline export"] = baseline_options(m_baseline);
    m_by_command["baseline accept"] = baseline_options(m_baseline);
  }
  Tables(const Tables&) = delete;
  Tables& operator=(const Tables&) = delete;

  const Option* find(const std::string& command, const CLI::Option* o) const
  {
    const auto table = m_by_command.find(command);
    if (table == m_by_command.end() || o->get_lnames().empty()) {
      return nullptr;
    }
    for (const auto& option : table->second) {
      if (option.long_flag() == "--" + o->get_lnames().front()) {
        return &option;
      }
    }
    return nullptr;
  }

private:
  // The fields the tables point at (never read here).
  ScanCommand m_scan;
  ReportCommand m_report;
  ExportCommand m_export;
  LookupCommand m_lookup;
  ExplainCommand m_explain;
  MergeCommand m_merge;
  BaselineCommand m_baseline;
  std::map<std::string, std::vector<Option>> m_by_command;
};

std::vector<std::string>
lines_of(std::string_view text)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    out.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The manual page.

std::string
bold(std::string_view text)
{
  return "\\fB" + roff_text(text) + "\\fR";
}

std::string
italic(std::string_view text)
{
  return "\\fI" + roff_text(text) + "\\fR";
}

// "\fIPATH\fR...", "[\fIFILE\fR]".
std::string
positional_synopsis(const CLI::Option* o)
{
  auto text = italic(o->get_name()) + (repeatable(o) ? "..." : "");
  return o->get_required() ? text : "[" + text + "]";
}

std::string
synopsis(const Command& c)
{
  std::string line = bold("ccaudit " + c.path);
  const bool has_options = named_options(c.app).size() > 1; // more than --help
  if (has_options) {
    line += " [" + italic("options") + "]";
  }
  for (const auto* p : positionals(c.app)) {
    line += " " + positional_synopsis(p);
  }
  for (const auto* o : named_options(c.app)) {
    if (o->get_required()) {
      line += " " + bold(o->get_name()) + " " + italic(value_name(o));
    }
  }
  return line + "\n.br\n";
}

// The .TP entry of one option.
std::string
option_entry(const CLI::Option* o, const Option* row)
{
  std::string tag;
  for (const auto& name : option_names(o)) {
    tag += (tag.empty() ? "" : ", ") + bold(name);
  }
  if (takes_value(o)) {
    tag += " " + italic(value_name(o)) + (repeatable(o) ? "..." : "");
  }
  std::string out = ".TP\n" + tag + "\n" + roff_text(o->get_description()) + "\n";
  std::vector<std::string> facts;
  if (row && !row->choices.empty()) {
    facts.push_back("Values: " + row->expected() + ".");
  } else if (row && takes_value(o) && !std::holds_alternative<std::string*>(row->target)
             && !std::holds_alternative<std::vector<std::string>*>(row->target)) {
    auto expected = row->expected();
    expected[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(expected[0])));
    facts.push_back(expected + ".");
  }
  if (takes_value(o) && !o->get_default_str().empty()) {
    facts.push_back("Default: " + o->get_default_str() + ".");
  }
  if (o->get_required()) {
    facts.push_back("Required.");
  }
  if (repeatable(o)) {
    facts.push_back("Repeatable.");
  }
  std::string line;
  for (const auto& f : facts) {
    line += (line.empty() ? "" : " ") + roff_text(f);
  }
  if (row && row->key) {
    // \% : never hyphenated ("scan.thresh-old").
    line += std::string(line.empty() ? "" : " ") + "Configuration file: \\fB\\%" + roff_text(row->key)
            + "\\fR.";
  }
  if (!line.empty()) {
    out += ".br\n" + line + "\n";
  }
  return out;
}

// Text as --help prints it (its own line breaks and indentation), kept so.
std::string
verbatim(std::string_view text)
{
  std::string out = ".PP\n.nf\n";
  for (const auto& line : lines_of(text)) {
    out += line.empty() ? ".sp\n" : roff_text(line) + "\n";
  }
  return out + ".fi\n";
}

std::string
command_section(const Command& c, const Tables& tables)
{
  std::string out = ".SS \"" + roff_text("ccaudit " + c.path) + "\"\n";
  out += roff_text(c.app->get_description()) + "\n";
  const auto subs = visible_subcommands(c.app);
  if (!subs.empty()) {
    std::string names;
    for (const auto* sub : subs) {
      names += (names.empty() ? "" : ", ") + bold(sub->get_name());
    }
    out += ".PP\nCommands: " + names + " (below).\n";
  }
  for (const auto* p : positionals(c.app)) {
    out += ".TP\n" + italic(p->get_name()) + (repeatable(p) ? "..." : "") + "\n"
           + roff_text(p->get_description()) + "\n";
  }
  for (const auto* o : named_options(c.app)) {
    if (o != c.app->get_help_ptr()) {
      out += option_entry(o, tables.find(c.path, o));
    }
  }
  // A subcommand inherits its parent's footer: shown once, under the parent.
  const auto* parent = c.app->get_parent();
  const bool inherited = c.path.find(' ') != std::string::npos && parent
                         && parent->get_footer() == c.app->get_footer();
  if (!c.app->get_footer().empty() && !inherited) {
    out += verbatim(c.app->get_footer());
  }
  return out;
}

constexpr const char* k_description = R"(ccaudit reads mail archives (mbox files, Maildirs and Maildir++ trees, message
files, Outlook PST, OST and .msg files, compressed files, zip and tar exports,
standard input) and finds messages that showed many recipients' addresses to
each other (To or Cc where Bcc was meant). Each exposure is recorded in an
SQLite database (--db, ccaudit.db by default) with every address it showed;
the archive itself is only read.

A later scan of the same database reads only what changed. report groups the
findings into incidents (the copies of one send) and campaigns (batches of
one send) for review; export lists the people to notify; lookup answers a
data subject request; explain shows how a message was read and decided;
baseline exports known findings or accepts some.

Results go to standard output, diagnostics and progress to standard error.
Every command takes -h, --help. The options below are those of --help, with
the configuration file key of each option that has one: a value on the
command line wins over the file.)";

constexpr const char* k_exit_status = R"(The highest code that applies is returned:
0  done: for scan, nothing to report under --fail-on; for lookup, an ADDRESS was exposed
1  scan: a new finding (--fail-on new) or an open one (--fail-on any); lookup: no ADDRESS was exposed
2  usage or configuration error (a mistyped command or option is named, with the nearest there is)
3  some input could not be read; the rest was scanned
4  fatal: no database, or it cannot be written or is locked; no such scan or incident; output not written
130, 143  scan stopped by SIGINT or SIGTERM: what was read is recorded; the next scan reads the rest)";

std::string
manual_page(const CLI::App& app)
{
  Tables tables;
  const auto commands = commands_of(app);
  std::ostringstream out;
  out << ".\\\" Generated by 'ccaudit generate man' from its command line and option tables\n"
         ".\\\" (src/cli/option_table.cpp, src/cli/commands.cpp): do not edit.\n"
      << ".TH CCAUDIT 1 \"\" \"ccaudit " << roff_text(CCAUDIT_VERSION) << "\" \"User Commands\"\n"
      << ".SH NAME\nccaudit \\- find mail sent to many people with every address visible "
         "(To/Cc instead of Bcc)\n";

  out << ".SH SYNOPSIS\n";
  for (const auto& c : commands) {
    if (!c.path.empty() && visible_subcommands(c.app).empty()) {
      out << synopsis(c);
    }
  }
  out << bold("ccaudit") << " " << bold("--help") << " | " << bold("--version") << "\n";

  out << ".SH DESCRIPTION\n";
  for (const auto& line : lines_of(k_description)) {
    out << (line.empty() ? ".PP" : roff_text(line)) << "\n";
  }

  out << ".SH OPTIONS\n";
  for (const auto* o : named_options(&app)) {
    out << option_entry(o, nullptr);
  }

  out << ".SH COMMANDS\n";
  for (const auto& c : commands) {
    if (!c.path.empty()) {
      out << command_section(c, tables);
    }
  }

  out << ".SH \"EXIT STATUS\"\n";
  const auto status = lines_of(k_exit_status);
  out << roff_text(status.front()) << "\n";
  for (std::size_t i = 1; i < status.size(); ++i) {
    const auto gap = status[i].find("  ");
    out << ".TP\n" << bold(status[i].substr(0, gap)) << "\n"
        << roff_text(status[i].substr(gap + 2)) << "\n";
  }

  out << ".SH ENVIRONMENT\n"
         ".TP\n" << bold("CCAUDIT_CONFIG") << "\n"
      << roff_text("the configuration file, when --config is not given") << "\n"
      << ".TP\n" << bold("XDG_CONFIG_HOME") << "\n"
      << roff_text("where $XDG_CONFIG_HOME/ccaudit/config.toml is looked for "
                   "(default: ~/.config)")
      << "\n";

  out << ".SH FILES\n"
         ".TP\n" << italic("ccaudit.db") << "\n"
      << roff_text("the findings database, in the current directory unless --db or the "
                   "configuration file's db says otherwise; created readable by its owner only")
      << "\n"
      << ".TP\n" << italic("./ccaudit.toml") << ", " << italic("~/.config/ccaudit/config.toml")
      << ", " << italic("/etc/ccaudit/config.toml") << "\n"
      << roff_text("the configuration file (TOML), when neither --config nor $CCAUDIT_CONFIG "
                   "names one: the first found. Keys: db, and scan.* and report.* as listed "
                   "above.")
      << "\n"
      << ".TP\n" << italic("/usr/share/ccaudit/reports/") << "\n"
      << roff_text("the SQL queries report runs, review.html and README.md (tables, columns, "
                   "locking), to query the database with sqlite3 (under /usr/local when "
                   "installed from source with cmake --install)")
      << "\n";

  out << ".SH EXAMPLES\n";
  const std::vector<std::pair<std::string, std::string>> examples = {
    {"Scan two archives, not counting your own domain:",
     "ccaudit scan /var/mail/archive.mbox ~/Maildir --internal-domain example.com"},
    {"Review the findings in a browser:", "ccaudit report --format html --out review.html"},
    {"Answer a data subject request:", "ccaudit lookup alice@example.com"},
    {"Why was this message flagged?", "ccaudit explain archive.mbox --offset 1655"},
    {"Accept an incident once handled:",
     "ccaudit baseline accept I-04af67484e40 --note \"notified, ticket 812\""},
    {"Query the database yourself, read-only:",
     "sqlite3 -readonly -header -column ccaudit.db \\\n"
     "  '.read /usr/share/ccaudit/reports/review.sql' \\\n"
     "  '.read /usr/share/ccaudit/reports/incidents.sql'"},
  };
  for (const auto& [what, command] : examples) {
    out << ".PP\n" << roff_text(what) << "\n.PP\n.RS 4\n.nf\n" << roff_text(command)
        << "\n.fi\n.RE\n";
  }

  out << ".SH \"SEE ALSO\"\n"
      << bold("sqlite3") << "(1), " << bold("crontab") << "(5), " << bold("systemd.timer")
      << "(5)\n";
  return out.str();
}

// ---------------------------------------------------------------------------
// The completion scripts.

// 'text' for a shell: single quotes, a quote inside as '\''.
std::string
shell_quoted(std::string_view text)
{
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::string
joined_words(const std::vector<std::string>& words)
{
  std::string out;
  for (const auto& w : words) {
    out += (out.empty() ? "" : " ") + w;
  }
  return out;
}

std::vector<std::string>
choices_of(const Command& c, const CLI::Option* o, const Tables& tables)
{
  const auto* row = tables.find(c.path, o);
  return row ? row->choices : std::vector<std::string>{};
}

std::string
bash_completion(const CLI::App& app)
{
  Tables tables;
  const auto commands = commands_of(app);
  std::ostringstream out;
  out << "# bash completion for ccaudit(1)\n"
         "# Generated by 'ccaudit generate bash' from its command line and option tables:\n"
         "# do not edit.\n\n"
         "_ccaudit()\n{\n"
         "    local cur=${COMP_WORDS[COMP_CWORD]} prev='' command='' word i\n"
         "    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "    # --format=json: bash splits the word at '='.\n"
         "    if [[ $cur == '=' ]]; then\n"
         "        cur=''\n"
         "    elif [[ $prev == '=' ]] && (( COMP_CWORD > 1 )); then\n"
         "        prev=${COMP_WORDS[COMP_CWORD-2]}\n"
         "    fi\n"
         "    # The command typed so far: \"scan\", \"baseline export\".\n"
         "    for (( i = 1; i < COMP_CWORD; i++ )); do\n"
         "        word=${COMP_WORDS[i]}\n"
         "        case \"$command/$word\" in\n";
  std::string patterns;
  for (const auto& c : commands) {
    if (!c.path.empty()) {
      const auto space = c.path.rfind(' ');
      const auto parent = space == std::string::npos ? "" : c.path.substr(0, space);
      const auto name = space == std::string::npos ? c.path : c.path.substr(space + 1);
      patterns += (patterns.empty() ? "" : "|") + shell_quoted(parent + "/" + name);
    }
  }
  out << "            " << patterns << ")\n"
      << "                command=${command:+$command }$word ;;\n"
         "        esac\n"
         "    done\n"
         "    local commands='' options=''\n"
         "    case $command in\n";
  for (const auto& c : commands) {
    std::vector<std::string> subs, flags;
    for (const auto* sub : visible_subcommands(c.app)) {
      subs.push_back(sub->get_name());
    }
    for (const auto* o : named_options(c.app)) {
      for (const auto& name : option_names(o)) {
        flags.push_back(name);
      }
    }
    out << "        " << shell_quoted(c.path) << ")\n"
        << "            commands=" << shell_quoted(joined_words(subs))
        << " options=" << shell_quoted(joined_words(flags)) << " ;;\n";
  }
  out << "    esac\n"
         "    # The value of an option: one of its choices, else a file name (-o default).\n"
         "    case \"$command/$prev\" in\n";
  std::vector<std::string> free_values;
  for (const auto& c : commands) {
    for (const auto* o : named_options(c.app)) {
      if (!takes_value(o)) {
        continue;
      }
      const auto choices = choices_of(c, o, tables);
      std::string pattern;
      for (const auto& name : option_names(o)) {
        pattern += (pattern.empty() ? "" : "|") + shell_quoted(c.path + "/" + name);
      }
      if (choices.empty()) {
        free_values.push_back(pattern);
      } else {
        out << "        " << pattern << ")\n"
            << "            COMPREPLY=($(compgen -W " << shell_quoted(joined_words(choices))
            << " -- \"$cur\"))\n"
               "            return ;;\n";
      }
    }
  }
  std::string free_pattern;
  for (const auto& p : free_values) {
    free_pattern += (free_pattern.empty() ? "" : "|") + p;
  }
  if (!free_pattern.empty()) {
    out << "        " << free_pattern << ")\n"
        << "            return ;;\n";
  }
  out << "    esac\n"
         "    if [[ $cur == -* ]]; then\n"
         "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
         "    elif [[ -n $commands ]]; then\n"
         "        COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\"))\n"
         "    fi\n"
         "}\n"
         "complete -o default -F _ccaudit ccaudit\n";
  return out.str();
}

// Text inside an _arguments [explanation] or a _describe entry: one line,
// brackets and colons escaped, inside single quotes.
std::string
zsh_text(std::string_view text)
{
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      out += ' ';
    } else if (c == '[' || c == ']' || c == ':' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string
zsh_function(const std::string& path)
{
  std::string out = path.empty() ? "_ccaudit" : "_ccaudit_";
  for (const char c : path) {
    out += c == ' ' || c == '-' ? '_' : c;
  }
  return out;
}

// One _arguments spec of `o`: '(-j --jobs)'{-j,--jobs=}'[threads]:N:'.
std::string
zsh_spec(const Command& c, const CLI::Option* o, const Tables& tables)
{
  const auto names = option_names(o);
  std::string exclusion = repeatable(o) ? "*" : "";
  if (o == c.app->get_help_ptr() || o == c.app->get_version_ptr()) {
    exclusion = "(- *)";
  } else if (names.size() > 1 && !repeatable(o)) {
    exclusion = "(" + joined_words(names) + ")";
  }
  std::string spelled;
  for (const auto& name : names) {
    const auto with = name + (takes_value(o) && name.starts_with("--") ? "=" : "");
    spelled += (spelled.empty() ? "" : ",") + with;
  }
  if (names.size() > 1) {
    spelled = "{" + spelled + "}";
  }
  std::string action;
  if (takes_value(o)) {
    const auto choices = choices_of(c, o, tables);
    const auto kind = value_name(o);
    action = ":" + zsh_text(kind) + ":"
             + (!choices.empty() ? "(" + joined_words(choices) + ")"
                : kind == "TEXT" ? "_files"
                                 : " ");
  }
  return shell_quoted(exclusion) + spelled + shell_quoted("[" + zsh_text(o->get_description())
                                                          + "]" + action);
}

std::string
zsh_completion(const CLI::App& app)
{
  Tables tables;
  const auto commands = commands_of(app);
  std::ostringstream out;
  out << "#compdef ccaudit\n"
         "# zsh completion for ccaudit(1)\n"
         "# Generated by 'ccaudit generate zsh' from its command line and option tables:\n"
         "# do not edit.\n";
  // Deepest first is not needed: zsh resolves the functions when called.
  for (const auto& c : commands) {
    const auto subs = visible_subcommands(c.app);
    out << "\n" << zsh_function(c.path) << "()\n{\n";
    std::vector<std::string> specs;
    for (const auto* o : named_options(c.app)) {
      specs.push_back(zsh_spec(c, o, tables));
    }
    if (!subs.empty()) {
      out << "    local curcontext=$curcontext state state_descr line ret=1\n"
             "    typeset -A opt_args\n"
             "    _arguments -C";
      for (const auto& s : specs) {
        out << " \\\n        " << s;
      }
      out << " \\\n        '1:command:->command' \\\n        '*::argument:->argument' && ret=0\n"
          << "    case $state in\n"
             "        command)\n"
             "            local -a commands=(\n";
      for (const auto* sub : subs) {
        out << "                "
            << shell_quoted(zsh_text(sub->get_name()) + ":" + sub->get_description())
            << "\n";
      }
      out << "            )\n"
             "            _describe -t commands "
          << shell_quoted("ccaudit" + (c.path.empty() ? "" : " " + c.path) + " command")
          << " commands && ret=0 ;;\n"
             "        argument)\n"
             "            curcontext=${curcontext%:*:*}:ccaudit-$words[1]:\n"
             "            case $words[1] in\n";
      for (const auto* sub : subs) {
        const auto path = c.path.empty() ? sub->get_name() : c.path + " " + sub->get_name();
        out << "                " << sub->get_name() << ") " << zsh_function(path)
            << " && ret=0 ;;\n";
      }
      out << "            esac ;;\n"
             "    esac\n"
             "    return ret\n";
    } else {
      out << "    _arguments -s -S";
      for (const auto& s : specs) {
        out << " \\\n        " << s;
      }
      for (const auto* p : positionals(c.app)) {
        const auto name = p->get_name();
        out << " \\\n        "
            << shell_quoted((repeatable(p) ? "*" : "") + std::string(":") + zsh_text(name) + ":"
                            + (name == "PATH" || name == "FILE" ? "_files" : " "));
      }
      out << "\n";
    }
    out << "}\n";
  }
  out << "\nif [[ $funcstack[1] == _ccaudit ]]; then\n"
         "    _ccaudit \"$@\"\n"
         "else\n"
         "    compdef _ccaudit ccaudit\n"
         "fi\n";
  return out.str();
}

} // namespace

std::string
roff_text(std::string_view text)
{
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (line_start && (c == '.' || c == '\'')) {
      out += "\\&";
    }
    line_start = c == '\n';
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      // UTF-8: the code point, as \[uXXXX]; a byte that is not UTF-8 as '?'.
      const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
      char32_t code = extra == 3 ? c & 0x07 : extra == 2 ? c & 0x0F : c & 0x1F;
      bool valid = extra > 0 && i + static_cast<std::size_t>(extra) < text.size();
      for (int k = 1; valid && k <= extra; ++k) {
        const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
        valid = (next & 0xC0) == 0x80;
        code = (code << 6) | (next & 0x3F);
      }
      if (!valid) {
        out += '?';
        continue;
      }
      i += static_cast<std::size_t>(extra);
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\[u%04X]", static_cast<unsigned>(code));
      out += buf;
    }
  }
  return out;
}

std::string
generated_file(const CLI::App& app, std::string_view kind)
{
  if (kind == "man") {
    return manual_page(app);
  }
  if (kind == "bash") {
    return bash_completion(app);
  }
  if (kind == "zsh") {
    return zsh_completion(app);
  }
  throw std::invalid_argument("generated_file: no such kind: " + std::string(kind));
}

// "-j", "--jobs": every name of an option, short ones first.
std::vector<std::string>
option_names(const CLI::Option* o)
{
  std::vector<std::string> out;
  for (const auto& s : o->get_snames()) {
    out.push_back("-" + s);
  }
  for (const auto& l : o->get_lnames()) {
    out.push_back("--" + l);
  }
  return out;
}

} // namespace ccaudit::cli
