#ifndef EVIDENCE_CFILESYNC_H
#define EVIDENCE_CFILESYNC_H

#include <stdint.h>

/// Starts writing the dirty pages of bytes [offset, offset + count) of `fd` to disk, without waiting for them
/// (Linux's sync_file_range with SYNC_FILE_RANGE_WRITE, which Swift cannot see: it needs _GNU_SOURCE).
/// Returns 0, or -1 with errno set.
int evidence_start_writeback(int fd, int64_t offset, int64_t count);

#endif
