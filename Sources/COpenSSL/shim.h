#ifndef EVIDENCE_COPENSSL_SHIM_H
#define EVIDENCE_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/hmac.h>
#include <openssl/pkcs12.h>
#include <openssl/bio.h>

/* Swift cannot import function-like macros; these wrap the ones EvidenceCrypto needs. */
static inline long evidence_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

#endif
