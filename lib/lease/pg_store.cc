#include "lease/pg_store.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

namespace pxekit {

void PgConnFree::operator()(pg_conn* conn) const { PQfinish(conn); }
void PgResultFree::operator()(pg_result* result) const { PQclear(result); }

namespace {

// valid_lifetime of an infinite lease (Kea's infinity).
constexpr std::int64_t kInfiniteLifetime = 0xffffffffLL;
// pg_advisory_xact_lock key for InitSchema ("pxekit" in ASCII).
constexpr long long kInitLockKey = 0x7078656b6974LL;

// Kea's lease4.state: 0 default (bound), 1 declined, 2 expired-reclaimed.
int KeaState(LeaseState state) {
  switch (state) {
    case LeaseState::kActive:
    case LeaseState::kOffered:
      return 0;
    case LeaseState::kAbandoned:
      return 1;
    default:
      return 2;
  }
}

std::optional<LeaseState> StateFromName(std::string_view name) {
  for (LeaseState state :
       {LeaseState::kFree, LeaseState::kActive, LeaseState::kExpired,
        LeaseState::kReleased, LeaseState::kAbandoned})
    if (LeaseStateName(state) == name) return state;
  return std::nullopt;
}

std::string Trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == ' ' || text.back() == '.'))
    text.pop_back();
  // libpq's multi-line messages ("...\n\tIs the server running...?"):
  // keep them on one log line.
  std::string line;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      line.push_back(text[i]);
      continue;
    }
    line += "; ";
    while (i + 1 < text.size() && (text[i + 1] == '\t' || text[i + 1] == ' '))
      ++i;
  }
  text = std::move(line);
  return text.empty() ? std::string("unknown error") : text;
}

std::string Hex(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes)
    fmt::format_to(std::back_inserter(out), "{:02x}", b);
  return out;
}

bool Unhex(std::string_view hex, std::vector<std::uint8_t>* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    auto [end, ec] =
        std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return false;
    out->push_back(static_cast<std::uint8_t>(value));
  }
  return true;
}

bool ToInt(const char* text, std::int64_t* out) {
  std::string_view view(text);
  auto [end, ec] =
      std::from_chars(view.data(), view.data() + view.size(), *out);
  return ec == std::errc() && end == view.data() + view.size();
}

// An element of a PostgreSQL array literal, quoted.
void AppendQuoted(std::string* array, std::string_view text) {
  if (array->size() > 1) array->push_back(',');
  array->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') array->push_back('\\');
    array->push_back(c);
  }
  array->push_back('"');
}

void AppendPlain(std::string* array, std::string_view text) {
  if (array->size() > 1) array->push_back(',');
  array->append(text);
}

// One statement, one round trip, one transaction (a single statement is
// atomic). Rows with an address held by another client are left alone and
// not returned.
constexpr const char* kUpsert = R"sql(
INSERT INTO lease4 AS l (address, hwaddr, client_id, valid_lifetime, expire,
                         subnet_id, fqdn_fwd, fqdn_rev, hostname, state,
                         user_context)
SELECT t.address, NULLIF(decode(t.hwaddr, 'hex'), ''::bytea),
       NULLIF(decode(t.client_id, 'hex'), ''::bytea), t.valid_lifetime,
       to_timestamp(t.expire), 0, false, false, NULLIF(t.hostname, ''),
       t.state,
       json_build_object('pxekit', json_build_object(
           'state', t.binding, 'starts', t.starts, 'cltt', t.cltt,
           'bootp', t.bootp))::text
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[],
            $6::text[], $7::bigint[], $8::text[], $9::bigint[], $10::bigint[],
            $11::boolean[])
     AS t(address, hwaddr, client_id, valid_lifetime, expire, hostname, state,
          binding, starts, cltt, bootp)
ON CONFLICT (address) DO UPDATE SET
    hwaddr = EXCLUDED.hwaddr, client_id = EXCLUDED.client_id,
    valid_lifetime = EXCLUDED.valid_lifetime, expire = EXCLUDED.expire,
    hostname = EXCLUDED.hostname, state = EXCLUDED.state,
    user_context = EXCLUDED.user_context
  WHERE l.state NOT IN (0, 1)
     OR l.expire <= to_timestamp(
            (EXCLUDED.user_context::json->'pxekit'->>'cltt')::bigint)
     OR CASE WHEN l.client_id IS NOT NULL AND EXCLUDED.client_id IS NOT NULL
             THEN l.client_id = EXCLUDED.client_id
             ELSE l.hwaddr IS NOT NULL AND l.hwaddr = EXCLUDED.hwaddr END
RETURNING address)sql";

constexpr const char* kSelect = R"sql(
SELECT address, coalesce(encode(hwaddr, 'hex'), ''),
       coalesce(encode(client_id, 'hex'), ''), coalesce(valid_lifetime, 0),
       coalesce(extract(epoch FROM expire)::bigint, 0),
       coalesce(hostname, ''), coalesce(state, 0),
       user_context::json->'pxekit'->>'state',
       user_context::json->'pxekit'->>'starts',
       user_context::json->'pxekit'->>'cltt',
       coalesce((user_context::json->'pxekit'->>'bootp')::boolean, false)
FROM lease4)sql";

// Schema steps: kSchemaSteps[i] takes version i to i + 1.
constexpr const char* kSchemaSteps[] = {
    R"sql(
CREATE TABLE lease4 (
    address BIGINT PRIMARY KEY NOT NULL,
    hwaddr BYTEA,
    client_id BYTEA,
    valid_lifetime BIGINT,
    expire TIMESTAMP WITH TIME ZONE,
    subnet_id BIGINT,
    fqdn_fwd BOOLEAN,
    fqdn_rev BOOLEAN,
    hostname VARCHAR(255),
    state INT8 DEFAULT 0,
    user_context TEXT
);
CREATE INDEX lease4_by_hwaddr ON lease4 (hwaddr);
CREATE INDEX lease4_by_client_id ON lease4 (client_id);
CREATE INDEX lease4_by_state_expire ON lease4 (state ASC, expire ASC);
)sql",
};
static_assert(std::size(kSchemaSteps) == kPgSchemaVersion);

// Library code does not print: drop NOTICEs ("relation already exists,
// skipping") that libpq would write to stderr.
void IgnoreNotice(void*, const char*) {}

// A default connect_timeout, so that a database host that vanished does
// not hold the server for the kernel's TCP timeout; one in `conninfo` wins.
// tcp_user_timeout (ms) bounds a query to a database host that vanished
// without closing the connection: unacknowledged data fails the query.
constexpr const char* kConnectKeys[] = {"connect_timeout", "tcp_user_timeout",
                                        "dbname", nullptr};
constexpr int kDefaultConnectTimeout = 5;  // seconds

PgConnPtr NewConnection(const std::string& conninfo) {
  const char* values[] = {"5", "10000", conninfo.c_str(), nullptr};
  PgConnPtr conn(PQconnectdbParams(kConnectKeys, values, 1));
  if (conn) PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  return conn;
}

// The same, started without waiting (PQconnectPoll finishes it).
PgConnPtr StartConnection(const std::string& conninfo) {
  const char* values[] = {"5", "10000", conninfo.c_str(), nullptr};
  PgConnPtr conn(PQconnectStartParams(kConnectKeys, values, 1));
  if (conn) PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  return conn;
}

// The connect_timeout in effect for `conn` (libpq does not apply it to a
// connection driven by PQconnectPoll: the caller does).
std::chrono::seconds ConnectTimeout(pg_conn* conn) {
  std::int64_t seconds = kDefaultConnectTimeout;
  if (PQconninfoOption* options = PQconninfo(conn)) {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      std::int64_t value = 0;
      if (std::string_view(o->keyword) == "connect_timeout" &&
          o->val != nullptr && ToInt(o->val, &value) && value > 0)
        seconds = std::max<std::int64_t>(value, 2);  // libpq's minimum
    }
    PQconninfoFree(options);
  }
  return std::chrono::seconds(seconds);
}

}  // namespace

Result<std::unique_ptr<PgLeaseStore>> PgLeaseStore::Connect(
    std::string conninfo) {
  std::unique_ptr<PgLeaseStore> store(new PgLeaseStore(std::move(conninfo)));
  store->conn_ = NewConnection(store->conninfo_);
  if (!store->conn_) return Fail("out of memory");
  if (PQstatus(store->conn_.get()) != CONNECTION_OK)
    return Fail(fmt::format("cannot connect to the lease database: {}",
                            Trimmed(PQerrorMessage(store->conn_.get()))));
  return store;
}

bool PgLeaseStore::connected() const {
  return link_ == Link::kUp && conn_ && PQstatus(conn_.get()) == CONNECTION_OK;
}

void PgLeaseStore::set_reconnect_backoff(std::chrono::milliseconds first,
                                         std::chrono::milliseconds most) {
  backoff_first_ = first;
  backoff_most_ = most;
}

void PgLeaseStore::Lost(std::string why) {
  conn_.reset();
  link_ = Link::kWaiting;
  last_error_ = std::move(why);
  backoff_ = std::chrono::milliseconds(0);
  retry_at_ = std::chrono::steady_clock::now();
}

void PgLeaseStore::Failed(std::string why) {
  conn_.reset();
  link_ = Link::kWaiting;
  last_error_ = std::move(why);
  backoff_ = backoff_.count() == 0 ? backoff_first_
                                   : std::min(backoff_ * 2, backoff_most_);
  retry_at_ = std::chrono::steady_clock::now() + backoff_;
}

bool PgLeaseStore::EnsureConnected(std::string* error) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  if (link_ == Link::kUp && conn_ && PQstatus(conn_.get()) != CONNECTION_OK)
    Lost(Trimmed(PQerrorMessage(conn_.get())));
  if (connected()) return true;
  auto now = std::chrono::steady_clock::now();
  std::string when =
      link_ == Link::kConnecting ? std::string("reconnecting")
      : now < retry_at_
          ? fmt::format("next try in {} ms",
                        duration_cast<milliseconds>(retry_at_ - now).count())
          : std::string("reconnecting now");
  *error = fmt::format("cannot connect to the lease database ({}): {}", when,
                       last_error_);
  return false;
}

bool PgLeaseStore::Tick() {
  auto now = std::chrono::steady_clock::now();
  switch (link_) {
    case Link::kUp:
      // Reads what is there without waiting: a closed connection shows.
      if (!conn_ || PQconsumeInput(conn_.get()) == 0 ||
          PQstatus(conn_.get()) != CONNECTION_OK)
        Lost(conn_ ? Trimmed(PQerrorMessage(conn_.get()))
                   : std::string("no connection"));
      return false;
    case Link::kWaiting:
      if (now < retry_at_) return false;
      conn_ = StartConnection(conninfo_);
      if (!conn_ || PQstatus(conn_.get()) == CONNECTION_BAD) {
        Failed(conn_ ? Trimmed(PQerrorMessage(conn_.get()))
                     : std::string("out of memory"));
        return false;
      }
      link_ = Link::kConnecting;
      poll_writing_ = true;  // PQconnectStart's state: wait to write
      connect_deadline_ = now + ConnectTimeout(conn_.get());
      [[fallthrough]];
    case Link::kConnecting: {
      // PQconnectPoll only once the socket is ready: called early, it
      // takes a TCP connect still under way for one that succeeded.
      pollfd ready{PQsocket(conn_.get()),
                   static_cast<short>(poll_writing_ ? POLLOUT : POLLIN), 0};
      int n = ready.fd >= 0 ? ::poll(&ready, 1, 0) : 1;
      if (n == 0) {
        if (now >= connect_deadline_)
          Failed("timeout expired while connecting");
        return false;
      }
      switch (PQconnectPoll(conn_.get())) {
        case PGRES_POLLING_OK:
          link_ = Link::kUp;
          backoff_ = std::chrono::milliseconds(0);
          last_error_.clear();
          return true;
        case PGRES_POLLING_FAILED:
          Failed(Trimmed(PQerrorMessage(conn_.get())));
          return false;
        case PGRES_POLLING_WRITING:
          poll_writing_ = true;
          break;
        default:
          poll_writing_ = false;
          break;
      }
      if (now >= connect_deadline_) Failed("timeout expired while connecting");
      return false;
    }
  }
  return false;
}

std::chrono::milliseconds PgLeaseStore::next_tick() const {
  using std::chrono::milliseconds;
  switch (link_) {
    case Link::kUp:
      return milliseconds(1000);
    case Link::kConnecting:
      return milliseconds(20);
    case Link::kWaiting:
      break;
  }
  auto wait = std::chrono::duration_cast<milliseconds>(
      retry_at_ - std::chrono::steady_clock::now());
  return std::clamp(wait, milliseconds(10), milliseconds(30000));
}

namespace {

// Runs `sql` (several statements allowed, no parameters). "" on success.
std::string Exec(pg_conn* conn, const std::string& sql) {
  PgResultPtr result(PQexec(conn, sql.c_str()));
  auto status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return "";
  return Trimmed(result ? PQresultErrorMessage(result.get())
                        : PQerrorMessage(conn));
}

}  // namespace

Result<int> PgLeaseStore::SchemaVersion() {
  std::string error;
  if (!EnsureConnected(&error)) return Fail(error);
  PgResultPtr result(
      PQexec(conn_.get(), "SELECT to_regclass('schema_version') IS NULL"));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
    return Fail(Trimmed(PQerrorMessage(conn_.get())));
  if (PQgetvalue(result.get(), 0, 0)[0] == 't') return 0;
  result.reset(PQexec(conn_.get(), "SELECT max(version) FROM schema_version"));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
    return Fail(Trimmed(PQerrorMessage(conn_.get())));
  std::int64_t version = 0;
  if (!PQgetisnull(result.get(), 0, 0) &&
      !ToInt(PQgetvalue(result.get(), 0, 0), &version))
    return Fail("schema_version holds a version that is not a number");
  return static_cast<int>(version);
}

Result<bool> PgLeaseStore::CheckSchema() {
  auto version = SchemaVersion();
  if (!version) return version.failure();
  if (*version == kPgSchemaVersion) return true;
  if (*version == 0)
    return Fail(
        "the lease database has no schema (run pxe-dhcpd --init-store)");
  if (*version < kPgSchemaVersion)
    return Fail(fmt::format(
        "the lease database has schema version {}, this pxe-dhcpd writes {} "
        "(run pxe-dhcpd --init-store to upgrade)",
        *version, kPgSchemaVersion));
  return Fail(fmt::format(
      "the lease database has schema version {}, newer than this pxe-dhcpd "
      "knows ({})",
      *version, kPgSchemaVersion));
}

Result<PgSchemaChange> PgLeaseStore::InitSchema() {
  std::string error;
  if (!EnsureConnected(&error)) return Fail(error);
  pg_conn* conn = conn_.get();
  if (std::string e = Exec(conn, "BEGIN"); !e.empty()) return Fail(e);
  auto fail = [conn](std::string message) {
    Exec(conn, "ROLLBACK");
    return Fail(std::move(message));
  };
  std::string e =
      Exec(conn, fmt::format("SELECT pg_advisory_xact_lock({});"
                             "CREATE TABLE IF NOT EXISTS schema_version ("
                             " version INT PRIMARY KEY NOT NULL, minor INT)",
                             kInitLockKey));
  if (!e.empty()) return fail(e);
  auto version = SchemaVersion();
  if (!version) return fail(version.error());
  PgSchemaChange change{*version, *version};
  if (*version > kPgSchemaVersion)
    return fail(
        fmt::format("the lease database has schema version {}, newer than this "
                    "pxe-dhcpd knows ({})",
                    *version, kPgSchemaVersion));
  for (int v = *version; v < kPgSchemaVersion; ++v) {
    if (e = Exec(conn, kSchemaSteps[v]); !e.empty())
      return fail(
          fmt::format("upgrading schema version {} to {}: {}", v, v + 1, e));
  }
  if (*version < kPgSchemaVersion) {
    e = Exec(conn, fmt::format("DELETE FROM schema_version;"
                               "INSERT INTO schema_version VALUES ({}, 0)",
                               kPgSchemaVersion));
    if (!e.empty()) return fail(e);
    change.to = kPgSchemaVersion;
  }
  if (e = Exec(conn, "COMMIT"); !e.empty()) return Fail(e);
  return change;
}

Result<std::vector<Lease>> PgLeaseStore::Select(
    const std::string& where, const std::vector<std::string>& params) {
  std::string error;
  if (!EnsureConnected(&error)) return Fail(error);
  std::string sql = fmt::format("{} {} ORDER BY address", kSelect, where);
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  PgResultPtr result(PQexecParams(conn_.get(), sql.c_str(),
                                  static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    std::string reason = Trimmed(PQerrorMessage(conn_.get()));
    if (PQstatus(conn_.get()) != CONNECTION_OK) Lost(reason);
    return Fail(fmt::format("reading leases: {}", reason));
  }
  std::vector<Lease> leases;
  int rows = PQntuples(result.get());
  leases.reserve(static_cast<std::size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    auto text = [&](int col) { return PQgetvalue(result.get(), row, col); };
    auto null = [&](int col) { return PQgetisnull(result.get(), row, col); };
    auto bad = [&](std::string_view what) {
      return Fail(fmt::format("lease4 row {}: bad {}", text(0), what));
    };
    Lease lease;
    std::int64_t address = 0, lifetime = 0, expire = 0, state = 0;
    if (!ToInt(text(0), &address) || address < 0 || address > 0xffffffffLL)
      return bad("address");
    lease.address = Ipv4Addr(static_cast<std::uint32_t>(address));
    std::vector<std::uint8_t> hw;
    if (!Unhex(text(1), &hw)) return bad("hwaddr");
    if (!hw.empty() && !MacAddr::FromBytes(hw, &lease.mac))
      return bad("hwaddr");
    if (!Unhex(text(2), &lease.uid)) return bad("client_id");
    if (!ToInt(text(3), &lifetime) || !ToInt(text(4), &expire))
      return bad("lifetime");
    lease.hostname = text(5);
    if (!ToInt(text(6), &state)) return bad("state");
    lease.cltt = expire - lifetime;
    lease.ends = lifetime == kInfiniteLifetime ? kNever : expire;
    lease.starts = lease.cltt;
    if (!null(7)) {
      auto named = StateFromName(text(7));
      if (!named) return bad("user_context state");
      lease.state = *named;
    } else {
      lease.state = state == 0   ? LeaseState::kActive
                    : state == 1 ? LeaseState::kAbandoned
                                 : LeaseState::kExpired;
    }
    if (!null(8) && !ToInt(text(8), &lease.starts)) return bad("starts");
    if (!null(9) && !ToInt(text(9), &lease.cltt)) return bad("cltt");
    lease.bootp = text(10)[0] == 't';
    leases.push_back(std::move(lease));
  }
  return leases;
}

Result<std::vector<Lease>> PgLeaseStore::LoadAll() { return Select("", {}); }

Result<std::vector<Lease>> PgLeaseStore::LoadHeld(
    const std::vector<Ipv4Range>& ranges, UnixTime now) {
  if (ranges.empty()) return std::vector<Lease>();
  std::string first = "{", last = "{";
  for (const Ipv4Range& range : ranges) {
    AppendPlain(&first, std::to_string(range.first().value()));
    AppendPlain(&last, std::to_string(range.last().value()));
  }
  first.push_back('}');
  last.push_back('}');
  return Select(
      "JOIN unnest($1::bigint[], $2::bigint[]) AS r(lo, hi) "
      "ON address BETWEEN r.lo AND r.hi "
      "WHERE state IN (0, 1) AND expire > to_timestamp($3::bigint)",
      {first, last, std::to_string(now)});
}

Result<std::optional<Lease>> PgLeaseStore::Find(Ipv4Addr address) {
  auto found =
      Select("WHERE address = $1::bigint", {std::to_string(address.value())});
  if (!found) return found.failure();
  if (found->empty()) return std::optional<Lease>();
  return std::optional<Lease>(found->front());
}

void PgLeaseStore::Record(const Lease& lease) {
  if (lease.state == LeaseState::kOffered) return;  // never written
  pending_[lease.address.value()] = lease;
}

bool PgLeaseStore::Sync(std::string* error) {
  refused_.clear();
  if (pending_.empty()) return true;
  std::map<std::uint32_t, Lease> batch;
  batch.swap(pending_);  // committed or not, these are done with
  if (!EnsureConnected(error)) return false;
  std::string address = "{", hwaddr = "{", client_id = "{", lifetime = "{",
              expire = "{", hostname = "{", state = "{", binding = "{",
              starts = "{", cltt = "{", bootp = "{";
  for (const auto& [key, lease] : batch) {
    AppendPlain(&address, std::to_string(key));
    AppendQuoted(&hwaddr, lease.mac.IsZero() ? "" : Hex(lease.mac.bytes()));
    AppendQuoted(&client_id, Hex(lease.uid));
    std::int64_t life = lease.ends == kNever ? kInfiniteLifetime
                                             : std::max<std::int64_t>(
                                                   0, lease.ends - lease.cltt);
    std::int64_t ends =
        lease.ends == kNever ? lease.cltt + kInfiniteLifetime : lease.ends;
    AppendPlain(&lifetime, std::to_string(life));
    AppendPlain(&expire, std::to_string(ends));
    AppendQuoted(&hostname, lease.hostname);
    AppendPlain(&state, std::to_string(KeaState(lease.state)));
    AppendQuoted(&binding, LeaseStateName(lease.state));
    AppendPlain(&starts, std::to_string(lease.starts));
    AppendPlain(&cltt, std::to_string(lease.cltt));
    AppendPlain(&bootp, lease.bootp ? "t" : "f");
  }
  std::string* arrays[] = {&address, &hwaddr,   &client_id, &lifetime,
                           &expire,  &hostname, &state,     &binding,
                           &starts,  &cltt,     &bootp};
  const char* values[std::size(arrays)];
  for (std::size_t i = 0; i < std::size(arrays); ++i) {
    arrays[i]->push_back('}');
    values[i] = arrays[i]->c_str();
  }
  PgResultPtr result(PQexecParams(conn_.get(), kUpsert,
                                  static_cast<int>(std::size(values)), nullptr,
                                  values, nullptr, nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    // The result's own message: the connection's accumulates repeats.
    const char* why = result ? PQresultErrorMessage(result.get()) : "";
    std::string reason = Trimmed(
        why != nullptr && *why != '\0' ? why : PQerrorMessage(conn_.get()));
    *error = fmt::format("committing {} lease{} to the database: {}",
                         batch.size(), batch.size() == 1 ? "" : "s", reason);
    if (PQstatus(conn_.get()) != CONNECTION_OK) Lost(reason);
    return false;
  }
  std::set<std::uint32_t> won;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    std::int64_t value = 0;
    if (ToInt(PQgetvalue(result.get(), row, 0), &value))
      won.insert(static_cast<std::uint32_t>(value));
  }
  for (const auto& [key, lease] : batch)
    if (!won.count(key)) refused_.push_back(lease);
  return true;
}

std::vector<Lease> PgLeaseStore::TakeRefused() {
  std::vector<Lease> refused;
  refused.swap(refused_);
  return refused;
}

}  // namespace pxekit
