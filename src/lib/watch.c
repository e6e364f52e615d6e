/*
 * watch.c - who opened a POSIX object by name since a bulk removal
 * looked at who uses it.  Nothing counts a POSIX object's users but a
 * scan of /proc, and a process may open and map one after the scan: the
 * removal must keep that one.  Scanning /proc again before each removal
 * costs objects x processes; instead an inotify watch on each place's
 * /dev/shm, set before the scan, reports every open(2) of a name there
 * (IN_OPEN, which shm_open(3) makes), and only an object opened since is
 * looked at again.  A process can start to use an object only by opening
 * it (one that holds it already was seen), so this keeps the scan's
 * promise at a cost linear in objects plus processes.
 *
 * Where the watch cannot be had (no inotify, its limits reached) or its
 * queue overflowed, every object counts as opened: the caller looks
 * again, as it did before there was a watch.
 *
 * The queue is read only when the kernel says it holds something: the
 * instance is O_ASYNC, and the SIGIO that comes with each event sets a
 * flag.  A removal of 100,000 objects that nobody opens then makes no
 * read(2) that finds nothing, one an object.  Where that cannot be set
 * up, the queue is read before each answer.
 *
 * Layer: operations (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "shm-private.h"

static struct {
	int		 fd;		/* the inotify instance; -1: none */
	bool		 lost;		/* overflowed, or failed: all opened */
	struct {
		int			 wd;
		const struct shm_place	*place;
	}		*dirs;
	size_t		 ndirs;
	struct hash	 opened;	/* (wd, hash of a name) */
	struct hash	 changed;	/* names made or moved there since */
	bool		 async;		/* SIGIO says when to read */
	struct sigaction old;		/* SIGIO's action before */
} w = { .fd = -1 };

/* The queue may hold events: set by SIGIO, cleared before each read. */
static volatile sig_atomic_t queued;

static void
on_sigio(int sig)
{
	(void)sig;
	queued = 1;
}

/*
 * Have the kernel send SIGIO when an event is queued (fcntl(2) O_ASYNC),
 * caught by on_sigio.  If any step fails, the queue is read every time.
 */
static void
watch_async(void)
{
	struct sigaction sa;
	int fl;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigio;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	queued = 1;		/* read once before the first answer */
	if (sigaction(SIGIO, &sa, &w.old) == -1)
		return;
	if (fcntl(w.fd, F_SETOWN, getpid()) == -1 ||
	    (fl = fcntl(w.fd, F_GETFL)) == -1 ||
	    fcntl(w.fd, F_SETFL, fl | O_ASYNC) == -1) {
		(void)sigaction(SIGIO, &w.old, NULL);
		return;
	}
	w.async = true;
}

/* FNV-1a of a name: the key of an opened name, beside its watch. */
static uint64_t
name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/*
 * Watch the /dev/shm of each place of pl[0..np) for opens, from now on.
 * Never fails: where it cannot watch, shm_opened_since() says yes.
 */
void
shm_open_watch_start(const struct shm_place *const *pl, size_t np)
{
	size_t i;

	shm_open_watch_end();
	w.lost = false;
	if ((w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    (w.dirs = calloc(np, sizeof(*w.dirs))) == NULL) {
		w.lost = true;
		return;
	}
	for (i = 0; i < np; i++) {
		const struct shm_place *p = pl[i] != NULL ? pl[i] :
		    shm_place_default();
		char path[32];
		int dirfd;

		if ((dirfd = place_devshm(p)) == -1)
			continue;	/* no /dev/shm: nothing to remove */
		self_fd_path(dirfd, path, sizeof(path));
		if ((w.dirs[w.ndirs].wd = inotify_add_watch(w.fd, path,
		    IN_OPEN | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)) == -1) {
			w.lost = true;
			return;
		}
		w.dirs[w.ndirs++].place = p;
	}
	watch_async();
}

/* Read what the watch has queued; a full queue is everything opened. */
static void
drain(void)
{
	char buf[64 * 1024]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	queued = 0;
	while ((n = read(w.fd, buf, sizeof(buf))) > 0) {
		const char *p;

		for (p = buf; p < buf + n;
		    p += sizeof(struct inotify_event) +
		    ((const struct inotify_event *)(const void *)p)->len) {
			const struct inotify_event *ev = (const void *)p;
			size_t v = 0;

			if (ev->mask & IN_Q_OVERFLOW) {
				w.lost = true;
				continue;
			}
			if (ev->len == 0)
				continue;
			if (hash_put((ev->mask & IN_OPEN) ? &w.opened :
			    &w.changed, (uint64_t)ev->wd, name_hash(ev->name),
			    0, &v) == -1)
				w.lost = true;
		}
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		w.lost = true;
}

/* The watch of r's place, or -1. */
static int
wd_of(const struct shm_rec *r)
{
	const struct shm_place *place = shm_addr_place(&r->addr);
	size_t i;

	for (i = 0; i < w.ndirs; i++)
		if (w.dirs[i].place == place)
			return w.dirs[i].wd;
	return -1;
}

/*
 * Was r's name made again (created, linked or renamed to) since
 * shm_open_watch_start()?  As of the queue's last reading, by
 * shm_opened_since() just before.  True where that cannot be told: then
 * the caller checks that the name still holds the object it listed.
 */
bool
shm_name_changed_since(const struct shm_rec *r)
{
	int wd;

	if (w.fd == -1 || w.lost || r->addr.kind != SHM_POSIX ||
	    r->addr.name == NULL || (wd = wd_of(r)) == -1)
		return true;
	return hash_get(&w.changed, (uint64_t)wd,
	    name_hash(r->addr.name), 0) != -1;
}

/*
 * Was r's name opened since shm_open_watch_start()?  True too where that
 * cannot be told (no watch, an overflow): then the caller looks again.
 * Only POSIX objects have names that the watch sees.
 */
bool
shm_opened_since(const struct shm_rec *r)
{
	int wd;

	if (w.fd == -1 || w.lost || r->addr.kind != SHM_POSIX ||
	    r->addr.name == NULL || (wd = wd_of(r)) == -1)
		return true;
	if (!w.async || queued)
		drain();
	return w.lost || hash_get(&w.opened, (uint64_t)wd,
	    name_hash(r->addr.name), 0) != -1;
}

/* Is the watch telling opens apart?  If not, the caller looks by time. */
bool
shm_open_watch_active(void)
{
	return w.fd != -1 && !w.lost;
}

/*
 * Forget the opens so far: the caller is about to look again at every
 * object left, which sees what they did (the queue is read first, so
 * that only opens after this count from now on).
 */
void
shm_open_watch_reset(void)
{
	if (w.fd == -1)
		return;
	drain();
	hash_free(&w.opened);	/* "changed" stays: the listing is old */
}

void
shm_open_watch_end(void)
{
	if (w.fd != -1)
		close(w.fd);
	/* No SIGIO can come once the instance is closed. */
	if (w.async)
		(void)sigaction(SIGIO, &w.old, NULL);
	w.async = false;
	w.fd = -1;
	free(w.dirs);
	w.dirs = NULL;
	w.ndirs = 0;
	hash_free(&w.opened);
	hash_free(&w.changed);
}
