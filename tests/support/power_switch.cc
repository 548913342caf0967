// power_switch: the wake logic of each VM's NIC, for the lab in a box.
// It watches one interface (a bridge, usually) for Wake-on-LAN magic packets,
// in UDP datagrams to any port or in raw 0x0842 frames, and when a packet
// names a configured MAC whose machine is off, starts that machine's command.
//
// Config (--config FILE), one machine a line; blank lines and '#' comments:
//   MAC [password=XX:XX:XX:XX:XX:XX|a.b.c.d] COMMAND...
// COMMAND runs under /bin/sh -c, in its own process group, with stdin from
// /dev/null and stdout on our stderr. A machine is "on" until its command
// exits.
//
// One line per event on stdout, flushed, for a harness to wait on:
//   ready IFNAME
//   wake MAC pid PID via udp|eth
//   ignored-already-on MAC pid PID
//   ignored-wrong-password MAC
//   ignored-unknown MAC
//   exited MAC pid PID status N      (or: signal N)
// It stops after --timeout seconds or on SIGTERM/SIGINT and then kills the
// process group of each child it started (by the child's PID) and reaps it.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include "net/packet_socket.h"
#include "util/mac_addr.h"
#include "util/text.h"
#include "wol/magic_packet.h"

namespace {

using pxekit::MacAddr;
using Clock = std::chrono::steady_clock;

struct Machine {
  MacAddr mac;
  std::optional<pxekit::SecureOnPassword> password;
  std::string command;
  pid_t pid = 0;  // 0: off
};

void Event(const std::string& line) {
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

// Returns an error message naming file:line:col, or "" on success.
std::string ParseConfig(const std::string& file, const std::string& text,
                        std::vector<Machine>* machines) {
  std::string_view rest = pxekit::SkipUtf8Bom(text);
  std::size_t number = 0;
  while (!rest.empty()) {
    std::string_view raw = pxekit::TakeLine(rest);
    ++number;
    std::string_view line = pxekit::TrimAsciiSpace(raw);
    if (line.empty() || line.front() == '#') continue;
    auto column_of = [&](std::string_view part) {
      return static_cast<std::size_t>(part.data() - raw.data()) + 1;
    };
    auto take_word = [](std::string_view& s) {
      std::size_t end = 0;
      while (end < s.size() && !pxekit::IsAsciiSpace(s[end])) ++end;
      std::string_view word = s.substr(0, end);
      s = pxekit::TrimAsciiSpace(s.substr(end));
      return word;
    };
    std::string_view fields = line;
    std::string_view mac_text = take_word(fields);
    auto mac = MacAddr::Parse(mac_text);
    if (!mac)
      return fmt::format("{}:{}:{}: {}", file, number, column_of(mac_text),
                         mac.error());
    Machine machine;
    machine.mac = *mac;
    constexpr std::string_view kPassword = "password=";
    if (fields.substr(0, kPassword.size()) == kPassword) {
      std::string_view word = take_word(fields);
      auto password =
          pxekit::ParseSecureOnPassword(word.substr(kPassword.size()));
      if (!password)
        return fmt::format("{}:{}:{}: {}", file, number,
                           column_of(word) + kPassword.size(),
                           password.error());
      machine.password = *password;
    }
    if (fields.empty())
      return fmt::format("{}:{}:{}: no command after the MAC", file, number,
                         raw.size() + 1);
    for (const Machine& other : *machines)
      if (other.mac == machine.mac)
        return fmt::format("{}:{}:{}: {} is listed twice", file, number,
                           column_of(mac_text), machine.mac);
    machine.command = std::string(fields);
    machines->push_back(std::move(machine));
  }
  if (machines->empty()) return fmt::format("{}: no machines", file);
  return "";
}

// The UDP payload of an IPv4 frame (without its Ethernet header), or nullopt.
std::optional<std::span<const std::uint8_t>> UdpPayload(
    std::span<const std::uint8_t> ip) {
  if (ip.size() < 20 || (ip[0] >> 4) != 4) return std::nullopt;
  std::size_t header = (ip[0] & 0x0f) * 4u;
  std::size_t total = (std::size_t{ip[2]} << 8) | ip[3];
  bool fragment = ((ip[6] & 0x3f) | ip[7]) != 0;  // MF or an offset
  if (ip[9] != IPPROTO_UDP || fragment || header < 20 || total > ip.size() ||
      total < header + 8)
    return std::nullopt;
  auto udp = ip.subspan(header, total - header);
  std::size_t length = (std::size_t{udp[4]} << 8) | udp[5];
  if (length < 8 || length > udp.size()) return std::nullopt;
  return udp.subspan(8, length - 8);
}

pid_t Start(const Machine& machine, const sigset_t& original_mask) {
  pid_t pid = ::fork();
  if (pid > 0) ::setpgid(pid, pid);  // also here: no race with a kill(-pid)
  if (pid != 0) return pid;          // parent, or -1
  ::setpgid(0, 0);
  ::sigprocmask(SIG_SETMASK, &original_mask, nullptr);
  int null = ::open("/dev/null", O_RDONLY);
  if (null >= 0) ::dup2(null, 0);
  ::dup2(2, 1);
  ::execl("/bin/sh", "sh", "-c", machine.command.c_str(),
          static_cast<char*>(nullptr));
  ::_exit(127);
}

void Reap(std::vector<Machine>& machines) {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (Machine& m : machines) {
      if (m.pid != pid) continue;
      m.pid = 0;
      if (WIFEXITED(status))
        Event(fmt::format("exited {} pid {} status {}", m.mac, pid,
                          WEXITSTATUS(status)));
      else
        Event(fmt::format("exited {} pid {} signal {}", m.mac, pid,
                          WTERMSIG(status)));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_file;
  std::string interface;
  int timeout = 60;
  std::string ready_file;
  CLI::App app("Start a machine's command when a magic packet for it arrives",
               "power_switch");
  app.add_option("-c,--config", config_file,
                 "Lines 'MAC [password=PASS] COMMAND...'")
      ->required();
  app.add_option("-i,--interface", interface, "Interface or bridge to watch")
      ->required();
  app.add_option("--timeout", timeout, "Exit after this many seconds")
      ->check(CLI::Range(1, 86400));
  app.add_option("--ready", ready_file, "Create this file once listening");
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(config_file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "power_switch: {}: {}\n", config_file,
               std::strerror(errno));
    return 66;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::vector<Machine> machines;
  if (std::string error = ParseConfig(config_file, text.str(), &machines);
      !error.empty()) {
    fmt::print(stderr, "power_switch: {}\n", error);
    return 65;
  }

  unsigned ifindex = if_nametoindex(interface.c_str());
  if (ifindex == 0) {
    fmt::print(stderr, "power_switch: {}: no such interface\n", interface);
    return 69;
  }

  sigset_t mask, original_mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  ::sigprocmask(SIG_BLOCK, &mask, &original_mask);
  pxekit::UniqueFd signals(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));

  int rc = 0;
  try {
    // ETH_P_ALL: UDP in IPv4 and 0x0842 frames on one socket. Promiscuous,
    // so that frames unicast to a VM's MAC, which a bridge floods but does
    // not pass up to itself otherwise, reach us as they reach the VM's NIC.
    auto fd = pxekit::OpenPacketSocket(ETH_P_ALL);
    pxekit::BindPacketSocket(fd, static_cast<int>(ifindex), ETH_P_ALL);
    packet_mreq mreq{};
    mreq.mr_ifindex = static_cast<int>(ifindex);
    mreq.mr_type = PACKET_MR_PROMISC;
    if (::setsockopt(fd.get(), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq,
                     sizeof mreq) < 0)
      throw std::system_error(errno, std::generic_category(),
                              "setsockopt(PACKET_ADD_MEMBERSHIP)");
    Event(fmt::format("ready {}", interface));
    if (!ready_file.empty()) std::ofstream(ready_file) << "ready\n";

    const auto deadline = Clock::now() + std::chrono::seconds(timeout);
    bool stop = false;
    while (!stop) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - Clock::now());
      if (left.count() <= 0) break;
      pollfd fds[2] = {{signals.get(), POLLIN, 0}, {fd.get(), POLLIN, 0}};
      int n = ::poll(fds, 2, static_cast<int>(left.count()));
      if (n < 0 && errno != EINTR)
        throw std::system_error(errno, std::generic_category(), "poll");
      if (n <= 0) continue;
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info{};
        while (::read(signals.get(), &info, sizeof info) == sizeof info)
          if (info.ssi_signo != SIGCHLD) stop = true;
        Reap(machines);
      }
      if (!(fds[1].revents & POLLIN)) continue;
      auto frame = pxekit::ReceiveFrame(fd, 0);
      if (!frame || frame->packet_type == PACKET_OUTGOING) continue;
      std::span<const std::uint8_t> payload = frame->payload;
      const char* via = "eth";
      if (frame->ethertype == ETH_P_IP) {
        auto udp = UdpPayload(payload);
        if (!udp) continue;
        payload = *udp;
        via = "udp";
      } else if (frame->ethertype != pxekit::kEtherTypeWakeOnLan) {
        continue;
      }
      auto magic = pxekit::ParseMagicPacket(payload);
      if (!magic) continue;
      auto it = std::find_if(
          machines.begin(), machines.end(),
          [&](const Machine& m) { return m.mac == magic->target; });
      if (it == machines.end()) {
        Event(fmt::format("ignored-unknown {}", magic->target));
        continue;
      }
      // A NIC armed with SecureOn wakes only on its password; one without
      // it ignores any bytes after the 16 copies.
      if (it->password && *it->password != magic->password) {
        Event(fmt::format("ignored-wrong-password {}", it->mac));
        continue;
      }
      if (it->pid != 0) {
        Event(fmt::format("ignored-already-on {} pid {}", it->mac, it->pid));
        continue;
      }
      pid_t pid = Start(*it, original_mask);
      if (pid < 0) {
        fmt::print(stderr, "power_switch: fork: {}\n", std::strerror(errno));
        rc = 71;
        continue;
      }
      it->pid = pid;
      Event(fmt::format("wake {} pid {} via {}", it->mac, pid, via));
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "power_switch: {}\n", e.what());
    rc = 71;
  }

  // Power everything off: the process group of each child we started.
  for (const Machine& m : machines)
    if (m.pid != 0) ::kill(-m.pid, SIGTERM);
  for (int i = 0; i < 40; ++i) {
    Reap(machines);
    if (std::none_of(machines.begin(), machines.end(),
                     [](const Machine& m) { return m.pid != 0; }))
      break;
    ::usleep(50000);
  }
  for (const Machine& m : machines)
    if (m.pid != 0) ::kill(-m.pid, SIGKILL);
  for (Machine& m : machines)
    if (m.pid != 0) {
      int status = 0;
      ::waitpid(m.pid, &status, 0);
      Event(fmt::format("exited {} pid {} signal {}", m.mac, m.pid, SIGKILL));
      m.pid = 0;
    }
  return rc;
}
