#include "tftpd/sessions.h"

namespace pxekit::tftp {

std::uint32_t PortAllocator::attempts() const {
  if (!range_) return 1;
  return std::uint32_t{range_->hi} - range_->lo + 1;
}

std::uint16_t PortAllocator::Next() {
  if (!range_) return 0;
  return static_cast<std::uint16_t>(range_->lo + (cursor_++ % attempts()));
}

SessionBook::Admission SessionBook::Admit(ClientKey client) const {
  Admission admission;
  std::size_t running = sessions_.size();
  if (auto it = by_client_.find(client); it != by_client_.end()) {
    if (!sessions_.at(it->second).complete) {
      admission.verdict = Verdict::kRepeat;
      return admission;
    }
    admission.ends = it->second;
    --running;
  }
  if (running >= max_sessions_) admission.verdict = Verdict::kFull;
  return admission;
}

std::uint64_t SessionBook::Add(ClientKey client) {
  std::uint64_t id = next_id_++;
  sessions_[id] = Entry{client, false};
  by_client_[client] = id;
  return id;
}

void SessionBook::MarkComplete(std::uint64_t id) {
  if (auto it = sessions_.find(id); it != sessions_.end())
    it->second.complete = true;
}

void SessionBook::Remove(std::uint64_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  if (auto by = by_client_.find(it->second.client);
      by != by_client_.end() && by->second == id)
    by_client_.erase(by);
  sessions_.erase(it);
}

std::size_t SessionBook::incomplete() const {
  std::size_t count = 0;
  for (const auto& [id, entry] : sessions_)
    if (!entry.complete) ++count;
  return count;
}

}  // namespace pxekit::tftp
