// RunSubprocess: fork + exec + one poll() loop over stdin, stdout and stderr. See subprocess.h.
#include "workers/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace weft::workers {
namespace {

constexpr size_t kChunk = 64 * 1024;

// Owns one file descriptor; closes it on destruction.
class Fd {
 public:
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

absl::Status ErrnoError(const std::string& what, int err) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(err)));
}

bool SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

// The parent's and the child's ends of the three standard streams. Every descriptor is
// CLOEXEC so that children spawned concurrently by other threads never inherit them (an
// inherited stdin writer would keep our child from ever seeing EOF). stdin is a socket so
// writes can use MSG_NOSIGNAL: a child that exits without reading must not SIGPIPE us.
struct Channels {
  Fd parent_in, child_in, parent_out, child_out, parent_err, child_err;
};

absl::Status MakeChannels(Channels& c) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return ErrnoError("socketpair", errno);
  }
  c.parent_in.Reset(sv[0]);
  c.child_in.Reset(sv[1]);
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  c.parent_out.Reset(p[0]);
  c.child_out.Reset(p[1]);
  if (pipe2(p, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  c.parent_err.Reset(p[0]);
  c.child_err.Reset(p[1]);
  if (!SetNonBlocking(c.parent_in.get()) || !SetNonBlocking(c.parent_out.get()) ||
      !SetNonBlocking(c.parent_err.get())) {
    return ErrnoError("fcntl", errno);
  }
  return absl::OkStatus();
}

// The inherited environment, minus the names `extra` sets, plus `extra`.
std::vector<std::string> MergeEnvironment(const std::vector<std::string>& extra) {
  auto name_of = [](std::string_view kv) { return kv.substr(0, kv.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& x) {
      return name_of(x) == name_of(kv);
    });
    if (!replaced) env.emplace_back(kv);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The children running now, by process group, so that a process shutting down can kill them
// all (KillAllSubprocesses). A child is registered under the same lock that `closed` is read
// under, so none can slip past a shutdown.
struct Registry {
  std::mutex mu;
  std::set<pid_t> groups;
  bool closed = false;
};

Registry& Children() {
  static Registry* registry = new Registry;  // never destroyed: threads may outlive main()
  return *registry;
}

// In the child, between fork and exec: only async-signal-safe calls. Its own process group
// (so a timeout or a shutdown kills everything it started), death with the thread that
// started it, default signal dispositions and an empty signal mask whatever the caller's are.
// Reports an exec failure's errno on `error_fd` (close-on-exec: nothing arrives on success).
[[noreturn]] void ExecChild(const Channels& c, pid_t parent, int error_fd, char** argv,
                            char** env) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
  // dup2 onto itself would keep close-on-exec (a caller with its standard streams closed).
  auto move_to = [](int fd, int target) {
    return fd == target ? fcntl(fd, F_SETFD, 0) : dup2(fd, target);
  };
  if (move_to(c.child_in.get(), STDIN_FILENO) < 0 ||
      move_to(c.child_out.get(), STDOUT_FILENO) < 0 ||
      move_to(c.child_err.get(), STDERR_FILENO) < 0) {
    _exit(127);
  }
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);  // EINVAL for some: fine
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(argv[0], argv, env);
  const int err = errno;
  [[maybe_unused]] ssize_t n = write(error_fd, &err, sizeof err);
  _exit(127);
}

// Starts the child (see ExecChild) and registers its process group. Cancelled when
// KillAllSubprocesses has run.
absl::StatusOr<pid_t> Spawn(const SubprocessOptions& options, const Channels& c) {
  std::vector<std::string> argv = options.argv;
  std::vector<std::string> env = MergeEnvironment(options.extra_env);
  std::vector<char*> argv_c = CStrings(argv);
  std::vector<char*> env_c = CStrings(env);
  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  Fd error_read, error_write;
  error_read.Reset(error_pipe[0]);
  error_write.Reset(error_pipe[1]);
  const pid_t parent = getpid();
  Registry& children = Children();
  std::unique_lock<std::mutex> lock(children.mu);
  if (children.closed) return absl::CancelledError("shutting down: no new command is started");
  const pid_t pid = fork();
  if (pid < 0) return ErrnoError(absl::StrCat("cannot start ", options.argv[0]), errno);
  if (pid == 0) ExecChild(c, parent, error_write.get(), argv_c.data(), env_c.data());
  setpgid(pid, pid);  // also here, so a kill of the group right away cannot miss it
  children.groups.insert(pid);
  lock.unlock();
  error_write.Reset();
  int err = 0;
  ssize_t n;
  do {
    n = read(error_read.get(), &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof err) {  // exec failed: reap the child, report why
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::lock_guard<std::mutex> relock(children.mu);
    children.groups.erase(pid);
    return ErrnoError(absl::StrCat("cannot start ", options.argv[0]), err);
  }
  return pid;
}

// Forgets a reaped child; true when a shutdown was under way (it may have been killed by it).
bool Unregister(pid_t pid) {
  Registry& children = Children();
  std::lock_guard<std::mutex> lock(children.mu);
  children.groups.erase(pid);
  return children.closed;
}

// The parent's side of a running child: what is left to write, what was read.
struct Io {
  Fd* in;
  Fd* out;
  Fd* err;
  std::string_view pending_in;
  const SubprocessOptions* options;
  SubprocessResult* result;
  size_t lines_seen = 0;  // stdout bytes already handed to on_stdout_line
};

// Hands each newly completed line of stdout to the caller's callback.
void ReportLines(Io& io) {
  if (!io.options->on_stdout_line) return;
  const std::string& out = io.result->stdout_data;
  for (size_t nl; (nl = out.find('\n', io.lines_seen)) != std::string::npos;) {
    io.options->on_stdout_line(std::string_view(out).substr(io.lines_seen, nl - io.lines_seen));
    io.lines_seen = nl + 1;
  }
}

void WriteSome(Io& io) {
  while (!io.pending_in.empty()) {
    size_t len = std::min(io.pending_in.size(), kChunk);
    ssize_t n = send(io.in->get(), io.pending_in.data(), len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      io.pending_in.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    } else {
      break;  // EPIPE or ECONNRESET: the child does not read its input; that is its business
    }
  }
  io.in->Reset();  // all written (or refused): EOF for the child
}

// One read from `fd` into `sink`; closes `fd` at end of file or on error.
void ReadSome(Fd& fd, std::string& sink) {
  char buf[kChunk];
  ssize_t n;
  do {
    n = read(fd.get(), buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    sink.append(buf, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
    fd.Reset();
  }
}

// Keeps stderr bounded while the child runs: only the tail is ever reported.
void TrimStderr(Io& io, bool final) {
  std::string& tail = io.result->stderr_tail;
  size_t keep = io.options->stderr_tail_bytes;
  if (tail.size() > keep && (final || tail.size() - keep > kChunk)) {
    tail.erase(0, tail.size() - keep);
    io.result->stderr_truncated = true;
  }
}

int PollTimeoutMs(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return -1;
  int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now()) + 1;
  return static_cast<int>(std::clamp<int64_t>(ms, 0, INT_MAX));
}

// Services the three streams until stdout and stderr are closed, the deadline passes or stdout
// overflows. Returns false when the child must be killed.
bool Pump(Io& io, absl::Time deadline) {
  while (io.out->open() || io.err->open()) {
    pollfd fds[3];
    Fd* owners[3];
    nfds_t n = 0;
    if (io.in->open()) { fds[n] = {io.in->get(), POLLOUT, 0}; owners[n++] = io.in; }
    if (io.out->open()) { fds[n] = {io.out->get(), POLLIN, 0}; owners[n++] = io.out; }
    if (io.err->open()) { fds[n] = {io.err->get(), POLLIN, 0}; owners[n++] = io.err; }
    int rc = poll(fds, n, PollTimeoutMs(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return false;
    // Checked on every round, not only when poll times out: a stream that is always ready
    // (stdin with buffer space) would otherwise keep the loop from ever seeing the deadline.
    if (absl::Now() >= deadline) {
      io.result->timed_out = true;
      return false;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (owners[i] == io.in) {
        if (fds[i].revents & POLLOUT) WriteSome(io); else io.in->Reset();
      } else if (owners[i] == io.out) {
        ReadSome(*io.out, io.result->stdout_data);
        ReportLines(io);
      } else {
        ReadSome(*io.err, io.result->stderr_tail);
        TrimStderr(io, /*final=*/false);
      }
    }
    if (io.result->stdout_data.size() > io.options->max_stdout_bytes) {
      io.result->stdout_overflow = true;
      return false;
    }
  }
  return true;
}

// Waits for the child. With a deadline, a child that closed its output but keeps running is
// killed when the deadline passes (polling waitpid; such children are rare).
absl::Status Reap(pid_t pid, absl::Time deadline, SubprocessResult& result) {
  int status = 0;
  pid_t rc;
  for (;;) {
    bool bounded = deadline != absl::InfiniteFuture() && !result.timed_out;
    rc = waitpid(pid, &status, bounded ? WNOHANG : 0);
    if (rc < 0 && errno == EINTR) continue;
    if (rc != 0) break;
    if (absl::Now() >= deadline) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      continue;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  if (rc < 0) return ErrnoError("waitpid", errno);
  if (WIFEXITED(status)) {
    result.exited = true;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SubprocessResult> RunSubprocess(const SubprocessOptions& options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("RunSubprocess: empty argv");
  Channels c;
  if (absl::Status s = MakeChannels(c); !s.ok()) return s;
  absl::StatusOr<pid_t> pid = Spawn(options, c);
  if (absl::IsCancelled(pid.status())) {
    SubprocessResult refused;
    refused.interrupted = true;
    return refused;
  }
  if (!pid.ok()) return pid.status();
  c.child_in.Reset();  // the child has its copies; ours would hide EOF from both sides
  c.child_out.Reset();
  c.child_err.Reset();

  SubprocessResult result;
  Io io{&c.parent_in, &c.parent_out, &c.parent_err, options.stdin_data, &options, &result};
  if (io.pending_in.empty()) c.parent_in.Reset();
  absl::Time deadline = options.timeout == absl::InfiniteDuration()
                            ? absl::InfiniteFuture()
                            : absl::Now() + options.timeout;
  if (!Pump(io, deadline)) kill(-*pid, SIGKILL);  // the whole process group
  c.parent_in.Reset();
  c.parent_out.Reset();
  c.parent_err.Reset();
  TrimStderr(io, /*final=*/true);
  absl::Status reaped = Reap(*pid, deadline, result);
  const bool shutting_down = Unregister(*pid);
  if (!reaped.ok()) return reaped;
  result.interrupted = shutting_down && !result.exited && result.term_signal == SIGKILL;
  return result;
}

void KillAllSubprocesses() {
  Registry& children = Children();
  std::lock_guard<std::mutex> lock(children.mu);
  children.closed = true;
  for (pid_t group : children.groups) kill(-group, SIGKILL);
}

}  // namespace weft::workers
