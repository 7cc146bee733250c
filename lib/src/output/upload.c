#include "output/upload.h"

#include "sipprobe/sipprobe.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* libcurl is loaded when an upload happens, not when sipprobe starts: it
 * pulls in some thirty libraries (TLS, Kerberos, LDAP, ...), which would
 * triple the memory of every scan for a feature most scans never use. */
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    int loaded;
} lc;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return;
    *(void **)&lc.global_init = dlsym(h, "curl_global_init");
    *(void **)&lc.easy_init = dlsym(h, "curl_easy_init");
    *(void **)&lc.easy_setopt = dlsym(h, "curl_easy_setopt");
    *(void **)&lc.easy_perform = dlsym(h, "curl_easy_perform");
    *(void **)&lc.easy_getinfo = dlsym(h, "curl_easy_getinfo");
    *(void **)&lc.easy_cleanup = dlsym(h, "curl_easy_cleanup");
    *(void **)&lc.easy_strerror = dlsym(h, "curl_easy_strerror");
    *(void **)&lc.slist_append = dlsym(h, "curl_slist_append");
    *(void **)&lc.slist_free_all = dlsym(h, "curl_slist_free_all");
    if (lc.global_init && lc.easy_init && lc.easy_setopt && lc.easy_perform && lc.easy_getinfo &&
        lc.easy_cleanup && lc.easy_strerror && lc.slist_append && lc.slist_free_all) {
        lc.global_init(CURL_GLOBAL_DEFAULT);
        lc.loaded = 1;
    }
}

/* Keeps the start of the server's answer for the error message. */
static size_t keep_reply(char *ptr, size_t size, size_t nmemb, void *data)
{
    sp__buf *b = data;
    size_t n = size * nmemb;
    if (b->len < 200)
        sp__buf_append(b, ptr, n < 200 - b->len ? n : 200 - b->len);
    return n;
}

int sp__upload(const char *url, const sp__strv *headers, const char *content_type, const char *body,
               size_t len, sp__upload_result *res, char *err, size_t errlen)
{
    static const long backoff_ms[] = {500, 1000, 2000};
    pthread_once(&curl_once, curl_init_once);
    memset(res, 0, sizeof(*res));
    if (!lc.loaded) {
        snprintf(err, errlen, "upload needs libcurl (Debian package libcurl4): %s", dlerror());
        return SP_EUPLOAD;
    }
    CURL *curl = lc.easy_init();
    if (!curl) {
        snprintf(err, errlen, "upload: cannot start libcurl");
        return SP_EUPLOAD;
    }
    struct curl_slist *list = NULL;
    char ct[128];
    snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
    list = lc.slist_append(list, ct);
    for (size_t i = 0; headers && i < headers->n; i++)
        list = lc.slist_append(list, headers->v[i]);
    sp__buf reply;
    sp__buf_init(&reply);
    char curl_err[CURL_ERROR_SIZE] = "";

    lc.easy_setopt(curl, CURLOPT_URL, url);
    lc.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    lc.easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    lc.easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    lc.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    lc.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    lc.easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    lc.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    lc.easy_setopt(curl, CURLOPT_USERAGENT, "sipprobe/" SP_VERSION);
    lc.easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_reply);
    lc.easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    lc.easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);

    int rc = SP_EUPLOAD;
    for (int attempt = 0; attempt < 4; attempt++) {
        if (attempt) {
            long ms = backoff_ms[attempt - 1];
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        sp__buf_reset(&reply);
        curl_err[0] = '\0';
        res->attempts = attempt + 1;
        CURLcode cc = lc.easy_perform(curl);
        long status = 0;
        if (cc == CURLE_OK)
            lc.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        res->http_status = status;
        if (cc == CURLE_OK && status >= 200 && status < 300) {
            rc = 0;
            break;
        }
        if (cc == CURLE_OK && status >= 400 && status < 500) {
            sp__buf clean;
            sp__buf_init(&clean);
            sp__buf_printable(&clean, sp__buf_cstr(&reply));
            snprintf(err, errlen, "upload to %s refused: HTTP %ld%s%s", url, status,
                     clean.len ? ": " : "", sp__buf_cstr(&clean));
            sp__buf_free(&clean);
            break; /* the request itself is wrong: retrying will not help */
        }
        if (cc != CURLE_OK)
            snprintf(err, errlen, "upload to %s failed after %d attempt%s: %s", url, attempt + 1,
                     attempt ? "s" : "", curl_err[0] ? curl_err : lc.easy_strerror(cc));
        else
            snprintf(err, errlen, "upload to %s failed after %d attempt%s: HTTP %ld", url,
                     attempt + 1, attempt ? "s" : "", status);
        /* Unsupported or malformed URLs fail at once. */
        if (cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT)
            break;
    }
    sp__buf_free(&reply);
    lc.slist_free_all(list);
    lc.easy_cleanup(curl);
    return rc;
}
