// ParseCommandLine: CLI11 with pxekit's exit codes and messages, and the
// rules every program shares, enforced here once instead of in each main():
//   - an empty value is a usage error, for every option and positional of
//     the program and its subcommands ("--ip: empty value"), so that an
//     unset shell variable in a cron line never turns into a default;
//   - numbers are decimal: CLI11 converts integers with strtoll(..., 0),
//     which reads 0x10 as 16 and 010 as 8; those are refused;
//   - CLI11's own sentences ("The following argument was not expected: ...")
//     become "prog: what: why" messages.
// All of it happens inside ParseCommandLine, before the program acts.

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "util/split.h"
#include "util/text.h"

namespace pxekit {
namespace {

constexpr const char* kEmptyValue = "empty value";
constexpr const char* kNonEmptyValidator = "pxekit-nonempty";

// The program and its subcommands, recursively.
void CollectApps(CLI::App* app, std::vector<CLI::App*>& apps) {
  apps.push_back(app);
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; }))
    CollectApps(sub, apps);
}

std::vector<CLI::App*> AllApps(CLI::App& app) {
  std::vector<CLI::App*> apps;
  CollectApps(&app, apps);
  return apps;
}

bool TakesValue(const CLI::Option* option) {
  return option->get_type_size_max() > 0;
}

// The name an option is known by in messages: its first long name, else its
// first short name, else (a positional) its name in --help.
std::string OptionName(const CLI::Option* option) {
  if (!option->get_lnames().empty()) return "--" + option->get_lnames()[0];
  if (!option->get_snames().empty()) return "-" + option->get_snames()[0];
  return option->get_name(true);
}

// An option name or word for a message: as it is when it is plain printable
// ASCII, quoted and escaped otherwise (it came from the command line).
std::string ForMessage(std::string_view text) {
  for (char c : text)
    if (c <= ' ' || c > '~') return QuoteForMessage(text);
  return std::string(text);
}

// "123", "0", "-5": what a person means by a number. No sign but '-', no
// leading zeros, no base prefixes.
bool IsDecimal(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  if (digits.empty()) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  return digits.size() == 1 || digits.front() != '0';
}

// What CLI11 makes of `text` as an integer (strtoll/strtoull with base 0: hex,
// octal and leading white space included), or nullopt when it is no integer.
std::optional<std::string> AsCli11Integer(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  if (text.find('-') != std::string::npos) {
    long long value = std::strtoll(text.c_str(), &end, 0);
    if (errno != 0 || end != text.c_str() + text.size()) return std::nullopt;
    return std::to_string(value);
  }
  unsigned long long value = std::strtoull(text.c_str(), &end, 0);
  if (errno != 0 || end != text.c_str() + text.size()) return std::nullopt;
  return std::to_string(value);
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

// Why `value` is not acceptable as a number.
std::string NotANumber(const std::string& value) {
  if (AllDigits(value))
    return fmt::format("{} is not a decimal number (no leading zeros)",
                       QuoteForMessage(value));
  if (AsCli11Integer(value))
    return fmt::format("{} is not a decimal number", QuoteForMessage(value));
  return fmt::format("{} is not a number", QuoteForMessage(value));
}

// "--ip=" with nothing after '=': CLI11 would take the next argument as the
// value (or report a missing one), so it is caught before CLI11 sees it.
struct EmptyEqualsValue {
  std::string message;
  const CLI::App* owner;  // the program or subcommand the option is of
};

// The app whose --help shows `--name`: the subcommand given before it or one
// of its parents (options fall through); the program when only a subcommand
// not given takes it; nullptr when no app does.
const CLI::App* OptionOwner(const std::vector<CLI::App*>& apps, CLI::App* given,
                            const std::string& name) {
  auto has = [&name](const CLI::App* app) {
    for (const CLI::Option* option : app->get_options())
      if (TakesValue(option) && option->check_lname(name)) return true;
    return false;
  };
  for (const CLI::App* app = given; app != nullptr; app = app->get_parent())
    if (has(app)) return app;
  for (const CLI::App* app : apps)
    if (has(app)) return apps.front();
  return nullptr;
}

std::optional<EmptyEqualsValue> FindEmptyEqualsValue(
    const std::vector<CLI::App*>& apps, int argc, const char* const* argv) {
  CLI::App* given = apps.front();  // the subcommand named so far
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 4 || arg.substr(0, 2) != "--" || arg.back() != '=') {
      for (CLI::App* sub :
           given->get_subcommands([](CLI::App*) { return true; }))
        if (sub->check_name(std::string(arg))) given = sub;
      continue;
    }
    std::string name(arg.substr(2, arg.size() - 3));
    if (const CLI::App* owner = OptionOwner(apps, given, name))
      return EmptyEqualsValue{"--" + name + ": " + kEmptyValue, owner};
  }
  return std::nullopt;
}

// Runs before every other validator of the option (CLI::Range and the like),
// so "" is reported as empty rather than as out of range.
void RefuseEmptyValues(const std::vector<CLI::App*>& apps) {
  for (CLI::App* app : apps)
    for (CLI::Option* option : app->get_options()) {
      if (!TakesValue(option)) continue;
      try {
        option->get_validator(kNonEmptyValidator);
        continue;  // already there: ParseCommandLine ran on this app before
      } catch (const CLI::OptionNotFound&) {
      }
      option->transform(CLI::Validator(
          [](std::string& value) {
            return value.empty() ? std::string(kEmptyValue) : std::string();
          },
          "", kNonEmptyValidator));
    }
}

// The values an integer option holds after parsing, as decimal strings;
// empty when the option holds no integer. CLI11 keeps, for an option bound to
// a variable, a function that prints the variable: an int prints as "16",
// a string as given ("0x10"), a vector as "[16,17]".
std::vector<std::string> HeldValues(CLI::Option* option) {
  option->capture_default_str();
  std::string held = option->get_default_str();
  if (held.size() >= 2 && held.front() == '[' && held.back() == ']')
    held = held.substr(1, held.size() - 2);
  return SplitOnComma(held);
}

// After parsing, before the program acts: empty values (the validator above
// catches them on the way in; this also covers what bypassed it) and
// integers that CLI11 read in another base.
std::optional<std::string> CheckParsedValues(
    const std::vector<CLI::App*>& apps) {
  for (CLI::App* app : apps)
    for (CLI::Option* option : app->get_options()) {
      if (!TakesValue(option) || option->results().empty()) continue;
      for (const std::string& value : option->results())
        if (value.empty()) return OptionName(option) + ": " + kEmptyValue;
      std::vector<std::string> held;
      for (const std::string& value : option->results()) {
        // CLI11 reads "-5" into an unsigned option as 2^64 - 5.
        std::optional<std::string> wrapped;
        if (IsDecimal(value) && value.front() == '-')
          wrapped = std::to_string(std::strtoull(value.c_str(), nullptr, 10));
        auto as_integer =
            IsDecimal(value) ? std::nullopt : AsCli11Integer(value);
        if (!as_integer && !wrapped) continue;
        if (held.empty()) held = HeldValues(option);
        for (const std::string& h : held) {
          if (as_integer && h == *as_integer)
            return OptionName(option) + ": " + NotANumber(value);
          if (wrapped && h == *wrapped)
            return fmt::format("{}: {} is negative", OptionName(option),
                               QuoteForMessage(value));
        }
      }
    }
  return std::nullopt;
}

// CLI11's ExtrasError, in words: an unknown option, a misspelt subcommand,
// or one argument too many.
std::string DescribeExtras(CLI::App& app) {
  std::vector<std::string> extras = app.remaining(true);
  if (extras.empty()) return "unexpected arguments";
  const std::string& first = extras.front();
  if (first.size() > 1 && first[0] == '-')
    return "unknown option " + ForMessage(first.substr(0, first.find('=')));
  bool has_subcommands =
      !app.get_subcommands([](CLI::App*) { return true; }).empty();
  if (has_subcommands && app.get_subcommands().empty())
    return "unknown subcommand " + QuoteForMessage(first);
  return "unexpected argument " + QuoteForMessage(first);
}

// "Could not convert: --port = 9x" -> "--port: '9x' is not a number".
std::string DescribeConversion(const std::string& message) {
  constexpr std::string_view kPrefix = "Could not convert: ";
  if (message.rfind(kPrefix, 0) != 0) return message;
  std::string rest = message.substr(kPrefix.size());
  std::size_t equals = rest.find(" = ");
  if (equals == std::string::npos) return message;
  std::string name = rest.substr(0, equals);
  std::string values = rest.substr(equals + 3);
  // Several values are joined with ','; name the first that is no number.
  for (const std::string& value : SplitOnComma(values))
    if (!IsDecimal(value)) return name + ": " + NotANumber(value);
  // Decimal, and still refused: too large for the option, or negative for
  // an unsigned one.
  return fmt::format("{}: {} is out of range", name, QuoteForMessage(values));
}

// CLI::Range says "--port: Value 9x not in range 1 to 65535" for a word, a
// hex number and a number out of range alike.
std::string DescribeValidation(const std::string& message) {
  constexpr std::string_view kValue = ": Value ";
  constexpr std::string_view kRange = " not in range ";
  std::size_t value_at = message.find(kValue);
  std::size_t range_at = message.rfind(kRange);
  if (value_at == std::string::npos || range_at == std::string::npos ||
      range_at < value_at + kValue.size())
    return message;
  std::string name = message.substr(0, value_at);
  std::string value = message.substr(value_at + kValue.size(),
                                     range_at - value_at - kValue.size());
  std::string bounds = message.substr(range_at + kRange.size());
  std::size_t to = bounds.find(" to ");
  if (to == std::string::npos) return message;
  if (!IsDecimal(value)) return name + ": " + NotANumber(value);
  return fmt::format("{}: {} is not in {}-{}", name, QuoteForMessage(value),
                     bounds.substr(0, to), bounds.substr(to + 4));
}

// "--ip: 1 required IP missing" -> "--ip: no value given".
std::string DescribeMismatch(const std::string& message) {
  std::size_t colon = message.find(": ");
  if (colon != std::string::npos &&
      message.find(" required ", colon) != std::string::npos &&
      message.size() > 8 && message.substr(message.size() - 8) == " missing")
    return message.substr(0, colon) + ": no value given";
  return message;
}

std::string DescribeParseError(const CLI::ParseError& e) {
  if (dynamic_cast<const CLI::ConversionError*>(&e))
    return DescribeConversion(e.what());
  if (dynamic_cast<const CLI::ValidationError*>(&e))
    return DescribeValidation(e.what());
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e))
    return DescribeMismatch(e.what());
  return e.what();
}

int UsageError(const std::string& help_command, Diag& diag,
               const std::string& message) {
  diag.Error("{}", message);
  diag.Error("try '{} --help' for more information", help_command);
  return kExitUsage;
}

int UsageError(CLI::App& app, Diag& diag, const std::string& message) {
  return UsageError(HelpCommand(app), diag, message);
}

}  // namespace

std::optional<int> ParseCommandLine(CLI::App& app, int argc,
                                    const char* const* argv, Diag& diag) {
  std::vector<CLI::App*> apps = AllApps(app);
  // Found before parsing, so the option's own app names the help to read.
  if (auto empty = FindEmptyEqualsValue(apps, argc, argv))
    return UsageError(CommandPath(*empty->owner), diag, empty->message);
  RefuseEmptyValues(apps);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    WriteText(stdout, app.help());
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    WriteText(stdout, app.help("", CLI::AppFormatMode::All));
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    Print("{}\n", e.what());
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // CLI11 checks values and required options before it looks for
    // arguments it did not recognise; "unknown option --bogus" explains more
    // than what followed from it ("--kernel is required").
    if (!app.remaining(true).empty())
      return UsageError(app, diag, DescribeExtras(app));
    return UsageError(app, diag, DescribeParseError(e));
  }
  if (auto message = CheckParsedValues(apps))
    return UsageError(app, diag, *message);
  return std::nullopt;
}

}  // namespace pxekit
