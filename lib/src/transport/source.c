#include "transport/source.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int sp__source_bind(const sp__source *src, int fd, int family, uint16_t port)
{
    if (src && src->iface[0] &&
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, src->iface, (socklen_t)strlen(src->iface)) < 0)
        return -1;
    sp__addr any;
    memset(&any, 0, sizeof(any));
    any.family = (uint8_t)family;
    const sp__addr *a = src && src->has_addr && src->addr.family == family ? &src->addr : &any;
    struct sockaddr_storage ss;
    socklen_t len;
    sp__addr_to_sockaddr(a, port, &ss, &len);
    return bind(fd, (struct sockaddr *)&ss, len);
}

int sp__source_check(const sp__addr *addr)
{
    int fd = socket(addr->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_storage ss;
    socklen_t len;
    sp__addr_to_sockaddr(addr, 0, &ss, &len);
    int rc = bind(fd, (struct sockaddr *)&ss, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}
