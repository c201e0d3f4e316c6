/* A full disk on demand, for tests: an LD_PRELOAD library that makes the store's writes fail the
 * way they fail when the disk holding data.mdb has no free space left, while a control file
 * exists. Removing the control file gives the space back. No mount privileges are needed, so
 * CI can run it (tests/faults/disk_full_test.cc).
 *
 * Environment:
 *   WEFT_FAULT_DISK_FULL=PATH   the control file; while it exists the disk is "full"
 *   WEFT_FAULT_MODE=MODE        how the full disk shows (default `enospc`):
 *     enospc  every write to data.mdb (write, pwrite, pwrite64, writev, pwritev) fails with
 *             ENOSPC, as does ftruncate growing it; but not a write inside its first two pages,
 *             LMDB's meta pages, which are overwritten in place and need no new space on a
 *             full disk (failing them would make LMDB's environment fatal: MDB_PANIC)
 *     short   a write of more than one byte writes half its bytes and returns that short count,
 *             then the next fails with ENOSPC: a disk that fills during a write (LMDB reports a
 *             short write as EIO)
 *     sync    writes succeed but fsync and fdatasync of data.mdb fail with ENOSPC (a file
 *             system that allocates blocks late, at writeback)
 *   WEFT_FAULT_LOG=PATH         optional: one line `FAIL CALL` is appended per failed call, so a
 *                               test can count the attempts the engine made
 * In every mode statvfs and fstatvfs report no free blocks while the control file exists.
 * msync is not intercepted: LMDB calls it only with MDB_WRITEMAP, which weft does not use.
 * Writes to any other file (lock.mdb, logs, pipes) are untouched. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <unistd.h>

/* The real function behind an interposed name. */
#define REAL(fn)                      \
  static __typeof__(fn)* real = NULL; \
  if (real == NULL) real = (__typeof__(fn)*)dlsym(RTLD_NEXT, #fn)

static int DiskFull(void) {
  const char* control = getenv("WEFT_FAULT_DISK_FULL");
  return control != NULL && access(control, F_OK) == 0;
}

static const char* Mode(void) {
  const char* mode = getenv("WEFT_FAULT_MODE");
  return mode != NULL && *mode != '\0' ? mode : "enospc";
}

static int IsModeIn(const char* a, const char* b) {
  return strcmp(Mode(), a) == 0 || (b != NULL && strcmp(Mode(), b) == 0);
}

/* Whether fd is open on a file named data.mdb. */
static int IsStoreFile(int fd) {
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n <= 0) return 0;
  target[n] = '\0';
  const char* base = strrchr(target, '/');
  return base != NULL && strcmp(base + 1, "data.mdb") == 0;
}

static void Log(const char* call) {
  const char* path = getenv("WEFT_FAULT_LOG");
  if (path == NULL) return;
  int saved = errno;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    char line[64];
    int len = snprintf(line, sizeof line, "FAIL %s\n", call);
    REAL(write);
    (void)!real(fd, line, (size_t)len);
    close(fd);
  }
  errno = saved;
}

/* LMDB's two meta pages: the start of data.mdb, rewritten in place at every commit. */
#define META_BYTES (2 * 4096)

/* Whether this write of len bytes at off (-1: at the file's position) to fd must fail now;
 * *half is set when it must be cut short instead. */
static int WriteFails(int fd, size_t len, off_t off, size_t* half) {
  *half = 0;
  if (!IsModeIn("enospc", "short") || !DiskFull() || !IsStoreFile(fd)) return 0;
  if (off < 0) off = lseek(fd, 0, SEEK_CUR);
  if (off >= 0 && (size_t)off + len <= META_BYTES) return 0; /* an overwrite needs no space */
  static __thread int cut_last = 0; /* short mode: cut one write, fail the next */
  if (IsModeIn("short", NULL) && !cut_last && len > 1) {
    cut_last = 1;
    *half = len / 2;
    return 0;
  }
  cut_last = 0;
  return 1;
}

static ssize_t Fail(const char* call) {
  Log(call);
  errno = ENOSPC;
  return -1;
}

ssize_t write(int fd, const void* buf, size_t len) {
  REAL(write);
  size_t half;
  if (WriteFails(fd, len, -1, &half)) return Fail("write");
  if (half) Log("write (short)");
  return real(fd, buf, half ? half : len);
}

ssize_t pwrite(int fd, const void* buf, size_t len, off_t off) {
  REAL(pwrite);
  size_t half;
  if (WriteFails(fd, len, off, &half)) return Fail("pwrite");
  if (half) Log("pwrite (short)");
  return real(fd, buf, half ? half : len, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t len, off64_t off) {
  REAL(pwrite64);
  size_t half;
  if (WriteFails(fd, len, (off_t)off, &half)) return Fail("pwrite64");
  if (half) Log("pwrite64 (short)");
  return real(fd, buf, half ? half : len, off);
}

static size_t IovBytes(const struct iovec* iov, int n) {
  size_t total = 0;
  for (int i = 0; i < n; ++i) total += iov[i].iov_len;
  return total;
}

/* A short vectored write: the first `half` bytes of iov, written with the real write at the
 * file's position (writev) or at `off` (pwritev). */
static ssize_t WriteHalf(int fd, const struct iovec* iov, int n, size_t half, off_t off,
                         int positioned) {
  char* buf = malloc(half);
  if (buf == NULL) return Fail("writev");
  size_t at = 0;
  for (int i = 0; i < n && at < half; ++i) {
    size_t take = iov[i].iov_len < half - at ? iov[i].iov_len : half - at;
    memcpy(buf + at, iov[i].iov_base, take);
    at += take;
  }
  ssize_t rc;
  if (positioned) {
    REAL(pwrite);
    rc = real(fd, buf, half, off);
  } else {
    REAL(write);
    rc = real(fd, buf, half);
  }
  free(buf);
  Log(positioned ? "pwritev (short)" : "writev (short)");
  return rc;
}

ssize_t writev(int fd, const struct iovec* iov, int n) {
  REAL(writev);
  size_t half;
  if (WriteFails(fd, IovBytes(iov, n), -1, &half)) return Fail("writev");
  if (half) return WriteHalf(fd, iov, n, half, 0, 0);
  return real(fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec* iov, int n, off_t off) {
  REAL(pwritev);
  size_t half;
  if (WriteFails(fd, IovBytes(iov, n), off, &half)) return Fail("pwritev");
  if (half) return WriteHalf(fd, iov, n, half, off, 1);
  return real(fd, iov, n, off);
}

ssize_t pwritev64(int fd, const struct iovec* iov, int n, off64_t off) {
  REAL(pwritev64);
  size_t half;
  if (WriteFails(fd, IovBytes(iov, n), (off_t)off, &half)) return Fail("pwritev64");
  if (half) return WriteHalf(fd, iov, n, half, off, 1);
  return real(fd, iov, n, off);
}

static int SyncFails(int fd) {
  return IsModeIn("sync", NULL) && DiskFull() && IsStoreFile(fd);
}

int fsync(int fd) {
  REAL(fsync);
  if (SyncFails(fd)) return (int)Fail("fsync");
  return real(fd);
}

int fdatasync(int fd) {
  REAL(fdatasync);
  if (SyncFails(fd)) return (int)Fail("fdatasync");
  return real(fd);
}

int ftruncate(int fd, off_t length) {
  REAL(ftruncate);
  struct stat st;
  if (IsModeIn("enospc", "short") && DiskFull() && IsStoreFile(fd) && fstat(fd, &st) == 0 &&
      length > st.st_size) {
    return (int)Fail("ftruncate");
  }
  return real(fd, length);
}

int ftruncate64(int fd, off64_t length) { return ftruncate(fd, (off_t)length); }

static void NoFreeBlocks(struct statvfs* buf) {
  if (DiskFull()) {
    buf->f_bfree = 0;
    buf->f_bavail = 0;
  }
}

int statvfs(const char* path, struct statvfs* buf) {
  REAL(statvfs);
  int rc = real(path, buf);
  if (rc == 0) NoFreeBlocks(buf);
  return rc;
}

int fstatvfs(int fd, struct statvfs* buf) {
  REAL(fstatvfs);
  int rc = real(fd, buf);
  if (rc == 0) NoFreeBlocks(buf);
  return rc;
}
