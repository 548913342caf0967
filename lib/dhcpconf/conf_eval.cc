#include "dhcpconf/conf_eval.h"

#include <algorithm>
#include <optional>
#include <set>

#include "util/ascii.h"

namespace pxekit {
namespace {

using Data = std::optional<std::vector<std::uint8_t>>;

Data EvaluateData(const Expr& expr, const DhcpMessage& message) {
  switch (expr.kind) {
    case Expr::Kind::kOption: {
      const auto* data = message.options.Find(expr.option_code);
      if (data == nullptr) return std::nullopt;
      return *data;
    }
    case Expr::Kind::kData:
      return expr.data;
    case Expr::Kind::kSubstring: {
      Data inner = EvaluateData(expr.args[0], message);
      if (!inner) return std::nullopt;
      std::size_t offset = std::min<std::size_t>(expr.offset, inner->size());
      std::size_t length =
          std::min<std::size_t>(expr.length, inner->size() - offset);
      return std::vector<std::uint8_t>(inner->begin() + offset,
                                       inner->begin() + offset + length);
    }
    case Expr::Kind::kSuffix: {
      Data inner = EvaluateData(expr.args[0], message);
      if (!inner) return std::nullopt;
      std::size_t length = std::min<std::size_t>(expr.length, inner->size());
      return std::vector<std::uint8_t>(inner->end() - length, inner->end());
    }
    case Expr::Kind::kLcase: {
      Data inner = EvaluateData(expr.args[0], message);
      if (!inner) return std::nullopt;
      for (auto& c : *inner)
        c = static_cast<std::uint8_t>(AsciiToLower(static_cast<char>(c)));
      return inner;
    }
    case Expr::Kind::kHardware: {
      std::vector<std::uint8_t> out{message.htype};
      out.insert(out.end(), message.chaddr.begin(),
                 message.chaddr.begin() + std::min<int>(message.hlen, 16));
      return out;
    }
    default:
      return std::nullopt;
  }
}

void ApplyScope(const Scope& scope, const DhcpMessage& message, bool known,
                Params* params, int depth) {
  if (depth > 64) return;
  for (const Scope::Item& item : scope.items) {
    if (!item.conditional) {
      params->MergeFrom(item.params);
      continue;
    }
    for (const Conditional::Branch& branch : item.conditional->branches) {
      if (!branch.condition ||
          EvaluateCondition(*branch.condition, message, known)) {
        ApplyScope(*branch.body, message, known, params, depth + 1);
        break;
      }
    }
  }
}

}  // namespace

bool EvaluateCondition(const Expr& expr, const DhcpMessage& message,
                       bool known) {
  switch (expr.kind) {
    case Expr::Kind::kEqual:
    case Expr::Kind::kNotEqual: {
      Data a = EvaluateData(expr.args[0], message);
      Data b = EvaluateData(expr.args[1], message);
      // ISC: a comparison with a missing value is false either way.
      if (!a || !b) return false;
      return (*a == *b) == (expr.kind == Expr::Kind::kEqual);
    }
    case Expr::Kind::kAnd:
      return EvaluateCondition(expr.args[0], message, known) &&
             EvaluateCondition(expr.args[1], message, known);
    case Expr::Kind::kOr:
      return EvaluateCondition(expr.args[0], message, known) ||
             EvaluateCondition(expr.args[1], message, known);
    case Expr::Kind::kNot:
      return !EvaluateCondition(expr.args[0], message, known);
    case Expr::Kind::kExists:
      return message.options.Has(expr.option_code);
    case Expr::Kind::kKnown:
      return known;
    default: {
      Data data = EvaluateData(expr, message);
      return data && !data->empty();
    }
  }
}

std::vector<std::string> MatchingClasses(const DhcpdConf& conf,
                                         const DhcpMessage& message,
                                         bool known) {
  std::vector<std::string> names;
  for (const ClassDecl& klass : conf.classes)
    if (klass.match && EvaluateCondition(*klass.match, message, known))
      names.push_back(klass.name);
  return names;
}

Params EvaluateParams(const DhcpdConf& conf, const EvalInput& input,
                      const std::vector<std::string>& classes) {
  Params params;
  std::set<const Scope*> applied;
  bool known = input.host != nullptr;
  auto apply = [&](const Scope* scope) {
    if (scope == nullptr || !applied.insert(scope).second) return;
    ApplyScope(*scope, *input.message, known, &params, 0);
  };
  apply(conf.global);
  if (input.subnet != nullptr)
    for (const Scope* scope : input.subnet->chain) apply(scope);
  if (input.pool != nullptr) apply(input.pool->scope);
  for (const ClassDecl& klass : conf.classes)
    if (std::find(classes.begin(), classes.end(), klass.name) != classes.end())
      apply(klass.scope);
  if (input.host != nullptr)
    for (const Scope* scope : input.host->chain) apply(scope);
  return params;
}

}  // namespace pxekit
