#include "audit/offline.h"

#include <string.h>

int sp__offline_crack(const sp__credentials *cr, const sp__passlist *file, unsigned max_attempts,
                      char *password, size_t cap, char *kind, size_t kindcap, uint32_t *tried)
{
    sp__candidates c;
    sp__candidates_init(&c, cr->user, file);
    size_t pos = 0;
    *tried = 0;
    while ((!max_attempts || *tried < max_attempts) &&
           sp__candidates_next(&c, &pos, password, cap, kind, kindcap)) {
        (*tried)++;
        if (sp__credentials_match(cr, password))
            return 1;
    }
    memset(password, 0, cap);
    return 0;
}
