/* The password audit of a capture: nothing is sent. A digest answer the
 * server accepted (a 2xx to the request that carried it) is tested against
 * the same candidates a live audit would try; a failed answer is left
 * alone, as it only tells an attacker's wrong guess. Pure code. */
#ifndef SP_AUDIT_OFFLINE_H
#define SP_AUDIT_OFFLINE_H

#include "audit/candidates.h"
#include "audit/digest.h"

#include <stdint.h>

/* Tries the candidates for cr's user (within max_attempts, 0: all). Returns
 * 1 with the password and its kind, or 0; *tried counts the candidates. */
int sp__offline_crack(const sp__credentials *cr, const sp__passlist *file, unsigned max_attempts,
                      char *password, size_t cap, char *kind, size_t kindcap, uint32_t *tried);

#endif
