/*
 * The side-by-side benchmark's "floor" target: the least a server can do per request on this
 * kernel. One epoll loop per worker process (SO_REUSEPORT), HTTP/1.1 keep-alive, every
 * GET /gen/SIZE/... answered with SIZE bytes (1k, 16k, 256k, 1m) held in memory since start-up,
 * head and body in one writev; no routing, no cache, no logging, no allocation per request. What
 * it costs per request is, near enough, the kernel's loopback TCP and its copy of the body, which
 * every server pays; a server's requests per CPU-second divided by the floor's is the share of its
 * CPU that is its own work.
 *
 *   cc -O2 -o floor floor.c && ./floor PORT [WORKERS]
 *
 * Built and started by compare.sh; it listens on 127.0.0.1 only and runs until it is signalled.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 65536
#define READ_BUF 8192

struct body {
  const char *name;
  size_t length;
  char head[160];
  size_t head_length;
  char *bytes;
};

static struct body bodies[] = {
    {.name = "1k", .length = 1 << 10},
    {.name = "16k", .length = 16 << 10},
    {.name = "256k", .length = 256 << 10},
    {.name = "1m", .length = 1 << 20},
};
static const char NOT_FOUND[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";

/* A connection: what it has read of the next request, and what is left to write of a response. */
struct conn {
  char in[READ_BUF];
  size_t in_length;
  const char *head;
  size_t head_left;
  const char *body;
  size_t body_left;
  int writing;
};

static struct conn *conns[MAX_FDS];

static void close_conn(int fd) {
  free(conns[fd]);
  conns[fd] = NULL;
  close(fd);
}

/* Writes what is left of the current response; 1 when it is all written, 0 to wait, -1 on error. */
static int flush(int fd, struct conn *c) {
  while (c->head_left + c->body_left > 0) {
    struct iovec iov[2];
    int n = 0;
    if (c->head_left > 0) {
      iov[n].iov_base = (void *)c->head;
      iov[n++].iov_len = c->head_left;
    }
    if (c->body_left > 0) {
      iov[n].iov_base = (void *)c->body;
      iov[n++].iov_len = c->body_left;
    }
    ssize_t w = writev(fd, iov, n);
    if (w < 0) {
      return errno == EAGAIN ? 0 : -1;
    }
    size_t from_head = (size_t)w < c->head_left ? (size_t)w : c->head_left;
    c->head += from_head;
    c->head_left -= from_head;
    c->body += (size_t)w - from_head;
    c->body_left -= (size_t)w - from_head;
  }
  return 1;
}

/* Starts the response to the request head at the start of c->in. */
static void respond(struct conn *c) {
  const char *target = c->in + 4; /* after "GET " */
  c->head = NOT_FOUND;
  c->head_left = sizeof NOT_FOUND - 1;
  c->body = NULL;
  c->body_left = 0;
  if (strncmp(c->in, "GET /gen/", 9) == 0) {
    target += 5;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
      size_t n = strlen(bodies[i].name);
      if (strncmp(target, bodies[i].name, n) == 0 && target[n] == '/') {
        c->head = bodies[i].head;
        c->head_left = bodies[i].head_length;
        c->body = bodies[i].bytes;
        c->body_left = bodies[i].length;
        break;
      }
    }
  }
}

/* Waits for the socket to take more (EPOLLOUT) or for the next request (EPOLLIN). */
static void await(int ep, int fd, uint32_t events) {
  struct epoll_event e = {.events = events, .data.fd = fd};
  epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

/* Answers every complete request read so far, in order; -1 when the connection must close. */
static int serve(int ep, int fd, struct conn *c) {
  for (;;) {
    if (c->writing) {
      int done = flush(fd, c);
      if (done <= 0) {
        return done;
      }
      c->writing = 0;
      await(ep, fd, EPOLLIN);
    }
    char *end = memmem(c->in, c->in_length, "\r\n\r\n", 4);
    if (end == NULL) {
      return c->in_length == READ_BUF ? -1 : 0; /* a head larger than the buffer */
    }
    size_t used = (size_t)(end - c->in) + 4;
    respond(c);
    memmove(c->in, c->in + used, c->in_length - used);
    c->in_length -= used;
    c->writing = 1;
    int done = flush(fd, c);
    if (done < 0) {
      return -1;
    }
    if (done == 0) {
      await(ep, fd, EPOLLOUT);
      return 0;
    }
    c->writing = 0;
  }
}

static void loop(int port) {
  int one = 1;
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(ls, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 4096) < 0) {
    perror("floor: bind/listen");
    exit(1);
  }
  int ep = epoll_create1(0);
  struct epoll_event e = {.events = EPOLLIN, .data.fd = ls};
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &e);
  struct epoll_event events[256];
  for (;;) {
    int ready = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < ready; i++) {
      int fd = events[i].data.fd;
      if (fd == ls) {
        int c;
        while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (c >= MAX_FDS) {
            close(c);
            continue;
          }
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conns[c] = calloc(1, sizeof(struct conn));
          struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
        }
        continue;
      }
      struct conn *c = conns[fd];
      if (c == NULL) {
        continue;
      }
      if (!c->writing && (events[i].events & EPOLLIN)) {
        ssize_t n = read(fd, c->in + c->in_length, READ_BUF - c->in_length);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
          close_conn(fd);
          continue;
        }
        if (n > 0) {
          c->in_length += (size_t)n;
        }
      }
      if (serve(ep, fd, c) < 0) {
        close_conn(fd);
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: floor PORT [WORKERS]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  int workers = argc > 2 ? atoi(argv[2]) : 1;
  signal(SIGPIPE, SIG_IGN);
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    bodies[i].bytes = malloc(bodies[i].length);
    memset(bodies[i].bytes, 'x', bodies[i].length);
    bodies[i].head_length = (size_t)snprintf(
        bodies[i].head, sizeof bodies[i].head,
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n",
        bodies[i].length);
  }
  for (int w = 1; w < workers; w++) {
    if (fork() == 0) {
      loop(port);
    }
  }
  loop(port);
  return 0;
}
