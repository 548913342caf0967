#pragma once
// The ISC dhcpd.conf subset pxe-dhcpd understands, as plain data. The
// parser (dhcpd_conf_parser.h) fills it; conf_eval.h turns it into the
// parameters for one packet. Flag mode (no -c) builds the same structure.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dhcp/dhcp_message.h"
#include "dhcp/dhcp_options.h"
#include "util/ipv4.h"
#include "util/mac_addr.h"

namespace pxekit {

struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

// A data or boolean expression of `if`, `elsif` and `match if`.
struct Expr {
  enum class Kind {
    kOption,     // option NAME: the option's bytes (absent: no value)
    kData,       // "text" or 00:07 or a number encoded for comparison
    kSubstring,  // substring(args[0], offset, length)
    kSuffix,     // suffix(args[0], length)
    kLcase,      // lcase(args[0])
    kHardware,   // hardware: htype then chaddr
    kEqual,
    kNotEqual,
    kAnd,
    kOr,
    kNot,
    kExists,  // exists NAME
    kKnown,   // the client has a host declaration
  };
  Kind kind = Kind::kData;
  std::uint8_t option_code = 0;
  OptionType option_type = OptionType::kBytes;
  std::vector<std::uint8_t> data;
  std::int64_t number = -1;  // a bare decimal, encoded once the other side
                             // of a comparison names its option type
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  std::vector<Expr> args;
};

struct Scope;

// if / elsif / else: the first branch whose condition holds (else: none).
struct Conditional {
  struct Branch {
    std::optional<Expr> condition;  // nullopt for else
    SourcePos pos;
    Scope* body = nullptr;  // owned by DhcpdConf::scopes
  };
  std::vector<Branch> branches;
};

// Parameters of one scope; unset fields inherit from outer scopes.
struct Params {
  std::optional<std::uint32_t> default_lease_time;
  std::optional<std::uint32_t> max_lease_time;
  std::optional<std::uint32_t> min_lease_time;
  std::optional<Ipv4Addr> next_server;
  std::optional<Ipv4Addr> server_identifier;
  std::optional<std::string> filename;
  std::string filename_origin;  // "host pc1 at dhcpd.conf:12" - for logs
  std::optional<std::string> server_name;
  std::optional<bool> authoritative;
  std::optional<bool> allow_bootp;
  std::optional<bool> allow_booting;
  std::optional<bool> allow_unknown_clients;
  std::optional<bool> allow_declines;
  std::optional<bool> always_broadcast;
  std::optional<bool> ignore_client_uids;
  std::optional<bool> use_host_decl_names;
  std::vector<DhcpOption> options;  // later set replaces earlier

  void SetOption(std::uint8_t code, std::vector<std::uint8_t> data);
  const std::vector<std::uint8_t>* FindOption(std::uint8_t code) const;
  // Copies every field `inner` sets over this one.
  void MergeFrom(const Params& inner);
};

// A scope's statements in source order: parameters and conditionals mix,
// and a later statement overrides an earlier one, as in ISC dhcpd.
struct Scope {
  struct Item {
    Params params;
    std::optional<Conditional> conditional;
  };
  std::string label;  // "global", "subnet 198.18.0.0/24", "host pc1", ...
  SourcePos pos;
  std::vector<Item> items;
};

struct RangeDecl {
  Ipv4Range range;
  bool dynamic_bootp = false;
  SourcePos pos;
};

struct PoolDecl {
  Scope* scope = nullptr;
  std::vector<RangeDecl> ranges;
  std::vector<std::string> allow_members;  // class names
  std::vector<std::string> deny_members;
  std::optional<bool> known_clients;  // allow known-clients: true; deny: false
  std::optional<bool> unknown_clients;
};

struct SubnetDecl {
  Ipv4Prefix prefix;          // network address and mask
  std::vector<Scope*> chain;  // enclosing groups/shared-networks, then own
  std::vector<RangeDecl> ranges;
  std::vector<PoolDecl> pools;
  SourcePos pos;

  Scope* scope() const { return chain.back(); }
};

struct HostDecl {
  std::string name;
  std::optional<MacAddr> mac;
  std::vector<std::uint8_t> client_id;  // option dhcp-client-identifier
  std::optional<Ipv4Addr> fixed_address;
  std::vector<Scope*> chain;  // enclosing scopes, then own
  SourcePos pos;
};

struct ClassDecl {
  std::string name;
  std::optional<Expr> match;
  Scope* scope = nullptr;
  SourcePos pos;
};

struct DhcpdConf {
  std::vector<std::unique_ptr<Scope>> scopes;  // owns every Scope
  Scope* global = nullptr;
  std::vector<SubnetDecl> subnets;
  std::vector<HostDecl> hosts;
  std::vector<ClassDecl> classes;
  // Accepted no-op and safer-behaviour statements, for --verbose.
  std::vector<std::string> notes;
  std::vector<std::string> warnings;

  DhcpdConf();
  Scope* NewScope(std::string label, SourcePos pos);

  const SubnetDecl* FindSubnet(Ipv4Addr address) const;
  // With IndexHosts() after the last host is added, a hash look-up; else a
  // scan. The first host declared for a MAC or client-id wins either way.
  const HostDecl* FindHost(const MacAddr& mac,
                           const std::vector<std::uint8_t>& client_id) const;
  void IndexHosts();

 private:
  std::unordered_map<std::string, std::size_t> host_by_mac_;
  std::unordered_map<std::string, std::size_t> host_by_client_id_;
  std::size_t indexed_hosts_ = SIZE_MAX;  // hosts.size() when indexed
};

}  // namespace pxekit
