/* The real getaddrinfo, for tests/resolver_differential.rs: built once with the system's
 * glibc and once with musl-gcc, then run in a namespace whose /etc/resolv.conf and /etc/hosts
 * are the kubelet's files of the simulated pod.
 *
 *     gai unspec|inet|inet6 NAME
 *
 * asks getaddrinfo(NAME, NULL, {ai_family, SOCK_STREAM, no flags}) and prints one line: "ok"
 * and the addresses in the order the library returned them, or "error" and the return value.
 * Exit status 0 either way; 2 for a usage error. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: gai unspec|inet|inet6 NAME\n");
        return 2;
    }
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    if (strcmp(argv[1], "unspec") == 0) {
        hints.ai_family = AF_UNSPEC;
    } else if (strcmp(argv[1], "inet") == 0) {
        hints.ai_family = AF_INET;
    } else if (strcmp(argv[1], "inet6") == 0) {
        hints.ai_family = AF_INET6;
    } else {
        fprintf(stderr, "unknown family %s\n", argv[1]);
        return 2;
    }
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *found = NULL;
    int rc = getaddrinfo(argv[2], NULL, &hints, &found);
    if (rc != 0) {
        printf("error %d\n", rc);
        return 0;
    }
    printf("ok");
    for (struct addrinfo *ai = found; ai != NULL; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN];
        const void *address = ai->ai_family == AF_INET6
            ? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
            : (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
        if (inet_ntop(ai->ai_family, address, text, sizeof text) == NULL) {
            strcpy(text, "?");
        }
        printf(" %s", text);
    }
    printf("\n");
    freeaddrinfo(found);
    return 0;
}
