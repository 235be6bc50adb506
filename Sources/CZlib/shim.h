#ifndef EVIDENCE_CZLIB_SHIM_H
#define EVIDENCE_CZLIB_SHIM_H

#include <zlib.h>

/* Swift cannot import function-like macros; these wrap the ones MediaScrub needs. */
static inline int evidence_inflateInit2(z_stream *stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

static inline int evidence_deflateInit2(z_stream *stream, int level, int method, int windowBits, int memLevel, int strategy) {
    return deflateInit2(stream, level, method, windowBits, memLevel, strategy);
}

#endif
