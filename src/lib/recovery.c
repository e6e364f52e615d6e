/*
 * recovery.c - the recovery files of System V resizes: a file in $TMPDIR
 * ("shmresize-0xKEY-XXXXXX", mode 0600) that holds a segment's data
 * while a resize (sysv_resize.c) may have removed it, written before
 * anything changes and removed after; what an interrupted resize left
 * is listed and trusted only when the file is ours, whole, and of the
 * IPC namespace asked about.
 *
 * An IPC namespace's inode number is given to the next namespace made
 * once it is gone: a file is that namespace's only if the namespace's
 * id (NS_GET_ID, never reused; sysv_ipcns_identity()) says so, or, where
 * the kernel has no such id, if what its key names now is what the
 * interrupted resize could have left: nothing, the untouched original,
 * or the new segment the file names (its shmid, creator and ctime,
 * noted in the header as it is made).  A file that fails this is
 * another namespace's: never listed, never used.
 *
 * Layer: kinds (src/lib/LAYERS), below sysv_resize.c.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

#define RECOVERY_PREFIX	"shmresize-"

static const char recovery_magic[8] = SHM_RECOVERY_MAGIC;

/* The format is the file's: it must not change with the compiler. */
_Static_assert(offsetof(struct shm_recovery_header, nsid) ==
    SHM_RECOVERY_V1_SIZE, "version 1's header is 56 bytes");
_Static_assert(sizeof(struct shm_recovery_header) == 136,
    "version 2's header is 136 bytes");

/* ${TMPDIR:-/tmp}: where the recovery files live. */
static const char *
recovery_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

/* "0x0000abcd" for a key, "id-N" for a private segment. */
static void
recovery_tag(key_t key, int id, char *buf, size_t len)
{
	if (key != IPC_PRIVATE)
		snprintf(buf, len, "0x%08x", (unsigned)key);
	else
		snprintf(buf, len, "id-%d", id);
}

/*
 * SHMTOOLS_TEST_PAUSE=POINT:MS stops a resize for MS milliseconds at POINT
 * ("create": the recovery file is made, its header not yet written;
 * "save": the data is saved, a signal may still stop the resize; "rmid":
 * after the last NATTCH check, before IPC_RMID; "gone": after IPC_RMID,
 * the key names nothing; "copy": the new segment exists, empty), so that
 * the tests can act at that instant instead of hoping to hit it.
 */
void
resize_test_pause(const char *point)
{
	const char *s = getenv("SHMTOOLS_TEST_PAUSE");
	size_t len = strlen(point);
	struct timespec ts;
	long ms;

	if (s == NULL || strncmp(s, point, len) != 0 || s[len] != ':')
		return;
	/* POINT:stop: stopped (SIGSTOP) until the test sends SIGCONT. */
	if (strcmp(s + len + 1, "stop") == 0) {
		raise(SIGSTOP);
		return;
	}
	ms = strtol(s + len + 1, NULL, 10);
	if (ms <= 0 || ms > 60000)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void
sysv_recovery_list_free(struct shm_recovery *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/*
 * The header's mode holds the permission bits and, for a segment of huge
 * pages, shmget()'s flags for them above (SHM_HUGETLB and the page size's
 * log2 in bits 26-31): files of older versions hold only the former.
 */
static uint64_t
recovery_pagesize(uint32_t mode)
{
	unsigned shift = (mode >> 26) & 0x3f;

	return (mode & SHM_HUGETLB) && shift != 0 ? (uint64_t)1 << shift : 0;
}

/*
 * What the key of the file with header h (of format version) names now,
 * in the IPC namespace we are in.  The new segment is the one the header
 * names: by its shmid once it is known, before that (a SIGKILL between
 * shmget and the note) by what the resize makes it: mode 0600, created
 * by the resizing process no earlier than the note.  An IPC_SET since
 * moves a ctime on, never back.
 */
static enum recovery_state
recovery_state_now(const struct shm_recovery_header *h, unsigned version)
{
	struct shmid_ds ds;
	int id;

	if ((key_t)h->key != IPC_PRIVATE) {
		if ((id = shmget((key_t)h->key, 0, 0)) == -1)
			return errno == ENOENT ? REC_NONE : REC_OTHER;
		if (sysv_stat_id(id, &ds) == -1)
			return errno == ENOENT ? REC_NONE : REC_OTHER;
	} else if (sysv_stat_id(id = h->old_id, &ds) == -1 &&
	    (version < 2 || h->new_id == -1 ||
	    sysv_stat_id(id = h->new_id, &ds) == -1))
		return REC_NONE;
	if (ds.shm_perm.mode & SHM_DEST)
		return REC_NONE;
	if (id == h->old_id && (version < 2 ||
	    (ds.shm_cpid == h->old_cpid && ds.shm_ctime >= h->old_ctime)))
		return REC_ORIGINAL;
	if (version >= 2 && ds.shm_cpid == h->new_cpid &&
	    ds.shm_ctime >= h->new_ctime && (h->new_id != -1 ?
	    id == h->new_id : (ds.shm_perm.mode & 0777) == 0600))
		return REC_NEW;
	/* A private segment's new one has its own shmid: none here. */
	return (key_t)h->key == IPC_PRIVATE ? REC_NONE : REC_OTHER;
}

/*
 * Is the file with header h this IPC namespace's?  Its id says so where
 * both the kernel then and now have one; else the key's state must be
 * one the resize could have left.  A version 1 file names neither:
 * trusted as it was, but sysv_recover() replaces no segment for it
 * that is not the original unless forced (SHM_EOTHERSEG).
 */
static bool
recovery_is_here(const struct shm_recovery_header *h, unsigned version,
    struct shm_recovery *rec)
{
	char boot[sizeof(h->boot)];
	uint64_t nsid;

	rec->state = recovery_state_now(h, version);
	rec->proven = false;
	if (version < 2)
		return true;
	sysv_ipcns_identity(&nsid, boot, sizeof(boot));
	if (h->nsid != 0 && nsid != 0 && h->boot[0] != '\0') {
		if (h->nsid != nsid || strncmp(h->boot, boot,
		    sizeof(boot)) != 0)
			return false;
		rec->proven = true;
		return true;
	}
	return rec->state != REC_OTHER;
}

/*
 * Open recovery file name in dirfd (read-write where we may, so that a
 * recovery can note the segment it makes) and read its header into rec,
 * or fail (ENOENT for anything that is not ours to trust: not a regular
 * file, a symbolic link, owned by another user than the caller or root,
 * a bad header, another IPC namespace's than ipcns, which we are in (see
 * recovery_is_here()), a name that does not match the key).
 */
int
recovery_open(int dirfd, const char *dir, const char *name,
    unsigned long long ipcns, struct shm_recovery *rec)
{
	struct shm_recovery_header h;
	char tag[32], want[64];
	struct stat st;
	uid_t me = geteuid();
	size_t hlen;
	int fd;

	if (strncmp(name, RECOVERY_PREFIX, strlen(RECOVERY_PREFIX)) != 0) {
		errno = ENOENT;
		return -1;
	}
	fd = openat(dirfd, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 && errno != ELOOP)
		fd = openat(dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return -1;
	memset(&h, 0, sizeof(h));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != me && st.st_uid != 0) ||
	    (size_t)st.st_size < SHM_RECOVERY_V1_SIZE ||
	    read_full_at(fd, &h, SHM_RECOVERY_V1_SIZE, 0) == -1 ||
	    memcmp(h.magic, recovery_magic, sizeof(h.magic)) != 0 ||
	    (h.version != 1 && h.version != SHM_RECOVERY_VERSION) ||
	    h.ipcns != ipcns)
		goto untrusted;
	hlen = h.version == 1 ? SHM_RECOVERY_V1_SIZE : sizeof(h);
	if ((size_t)st.st_size < hlen || (hlen > SHM_RECOVERY_V1_SIZE &&
	    read_full_at(fd, &h, hlen, 0) == -1))
		goto untrusted;
	recovery_tag((key_t)h.key, h.old_id, tag, sizeof(tag));
	snprintf(want, sizeof(want), RECOVERY_PREFIX "%s-", tag);
	if (strncmp(name, want, strlen(want)) != 0)
		goto untrusted;
	memset(rec, 0, sizeof(*rec));
	if (!recovery_is_here(&h, h.version, rec))
		goto untrusted;
	if (asprintf(&rec->path, "%s/%s", dir, name) == -1) {
		rec->path = NULL;
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	rec->key = (key_t)h.key;
	rec->old_id = h.old_id;
	rec->old_size = h.old_size;
	rec->new_size = h.new_size;
	rec->mode = (mode_t)(h.mode & 0777);
	rec->pagesize = recovery_pagesize(h.mode);
	rec->uid = (uid_t)h.uid;
	rec->gid = (gid_t)h.gid;
	rec->mtime = st.st_mtime;
	rec->version = h.version;
	rec->data_off = hlen;
	rec->complete = (uint64_t)st.st_size - hlen == h.old_size;
	return fd;
untrusted:
	close(fd);
	errno = ENOENT;
	return -1;
}

/*
 * Note in the header of the recovery file fd the segment a resize or a
 * recovery makes: before shmget (id -1), who makes it and from when;
 * after, its shmid, creator and ctime.  Version 1 files are left as
 * they are.
 */
int
recovery_note_new(int fd, int id)
{
	struct {
		int32_t	 new_id;
		int32_t	 pad;
		int64_t	 new_ctime;
		int32_t	 new_cpid;
	} n;
	struct shmid_ds ds;
	uint32_t version;

	if (read_full_at(fd, &version, sizeof(version),
	    (off_t)offsetof(struct shm_recovery_header, version)) == -1)
		return -1;
	if (version < 2)
		return 0;
	n.new_id = id;
	n.new_cpid = getpid();
	n.new_ctime = time(NULL);
	if (id != -1) {
		if (shmctl(id, IPC_STAT, &ds) == -1)
			return -1;
		n.new_ctime = ds.shm_ctime;
		n.new_cpid = ds.shm_cpid;
	}
	if (pwrite(fd, &n.new_id, sizeof(n.new_id), (off_t)offsetof(struct
	    shm_recovery_header, new_id)) != (ssize_t)sizeof(n.new_id) ||
	    pwrite(fd, &n.new_ctime, sizeof(n.new_ctime), (off_t)offsetof(
	    struct shm_recovery_header, new_ctime)) !=
	    (ssize_t)sizeof(n.new_ctime) ||
	    pwrite(fd, &n.new_cpid, sizeof(n.new_cpid), (off_t)offsetof(
	    struct shm_recovery_header, new_cpid)) !=
	    (ssize_t)sizeof(n.new_cpid)) {
		/* Opened read-only (recovery_open): nothing to keep it by. */
		if (errno == EBADF)
			return 0;
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

static int
recovery_cmp(const void *a, const void *b)
{
	const struct shm_recovery *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * The recovery files in $TMPDIR (else /tmp) that the caller may trust,
 * oldest first: those a resize in the IPC namespace of place (NULL: the
 * default place) left when it was killed or failed.  An unreadable
 * directory is an error; an empty or missing one is no files.
 */
static int
recovery_scan(const struct shm_place *place, const char *prefix,
    struct shm_recovery **vp, size_t *np)
{
	/*
	 * A directory last seen with no file of ours, unchanged since (no
	 * name made or removed in it moves its mtime on): none still.  A
	 * bulk removal asks once a segment, and /tmp may be large.
	 */
	static struct {
		bool		 none;
		dev_t		 dev;
		ino_t		 ino;
		struct timespec	 mtime;
		char		 dir[PATH_MAX];
	} seen;
	const char *dir = recovery_dir();
	struct shm_recovery *v = NULL, rec;
	size_t n = 0, cap = 0, any = 0;
	struct dirent *de;
	struct stat st;
	bool known;
	DIR *d;
	int fd;

	*vp = NULL;
	*np = 0;
	if (place == NULL)
		place = shm_place_default();
	/* What the keys name now is the place's namespace's. */
	if (place_enter(place) == -1)
		return -1;
	known = stat(dir, &st) == 0;
	if (known && seen.none && seen.dev == st.st_dev &&
	    seen.ino == st.st_ino && strcmp(seen.dir, dir) == 0 &&
	    seen.mtime.tv_sec == st.st_mtim.tv_sec &&
	    seen.mtime.tv_nsec == st.st_mtim.tv_nsec)
		return 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		/*
		 * "None" must hold for every key: a file of another key
		 * than prefix names counts too, or the next key asked about
		 * would be told its file is not there.
		 */
		if (strncmp(de->d_name, RECOVERY_PREFIX,
		    strlen(RECOVERY_PREFIX)) == 0)
			any++;
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if ((fd = recovery_open(dirfd(d), dir, de->d_name,
		    place_ipcns_ino(place), &rec)) == -1)
			continue;
		close(fd);
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct shm_recovery *nv = reallocarray(v, ncap,
			    sizeof(*v));

			if (nv == NULL) {
				free(rec.path);
				sysv_recovery_list_free(v, n);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			v = nv;
			cap = ncap;
		}
		v[n++] = rec;
	}
	closedir(d);
	seen.none = known && any == 0 && strlen(dir) < sizeof(seen.dir);
	if (seen.none) {
		seen.dev = st.st_dev;
		seen.ino = st.st_ino;
		seen.mtime = st.st_mtim;
		snprintf(seen.dir, sizeof(seen.dir), "%s", dir);
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), recovery_cmp);
	*vp = v;
	*np = n;
	return 0;
}

int
sysv_recovery_list(const struct shm_place *place, struct shm_recovery **vp,
    size_t *np)
{
	return recovery_scan(place, RECOVERY_PREFIX, vp, np);
}

/* Does recovery file rec belong to address a (by key, or by old shmid)? */
static bool
recovery_matches(const struct shm_recovery *rec, const struct shm_addr *a)
{
	if (a->by_id)
		return rec->old_id == a->id;
	return rec->key != IPC_PRIVATE && rec->key == a->key;
}

/*
 * The oldest recovery file for a, in *found (found->path NULL if none);
 * the caller frees found->path.
 */
int
recovery_find(const struct shm_addr *a, struct shm_recovery *found)
{
	struct shm_recovery *v;
	char tag[32], prefix[64];
	size_t n, i;

	memset(found, 0, sizeof(*found));
	/* Only the files named after a are opened. */
	recovery_tag(a->key, a->id, tag, sizeof(tag));
	if (a->by_id)	/* a private segment's, or a key's by old shmid */
		snprintf(prefix, sizeof(prefix), RECOVERY_PREFIX);
	else
		snprintf(prefix, sizeof(prefix), RECOVERY_PREFIX "%s-", tag);
	if (recovery_scan(shm_addr_place(a), prefix, &v, &n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (recovery_matches(&v[i], a)) {
			*found = v[i];
			v[i].path = NULL;
			break;
		}
	sysv_recovery_list_free(v, n);
	return 0;
}

/*
 * The recovery file an interrupted resize left for the segment at a,
 * whose key is key (a by_id address of a keyed segment is looked up by
 * key too), in *found (found->path NULL if none; the caller frees it).
 * While there is one, the key names a half-filled copy, or nothing, or
 * an original that a --recover will find whole: System V open, create
 * and remove refuse it (SHM_EPENDING).
 */
int
recovery_pending(const struct shm_addr *a, key_t key, struct shm_recovery *found)
{
	struct shm_addr k = *a;

	if (recovery_find(a, found) == -1)
		return -1;
	if (found->path != NULL || !a->by_id || key == IPC_PRIVATE)
		return 0;
	k.by_id = false;
	k.key = key;
	return recovery_find(&k, found);
}

/*
 * A bulk removal's one look at the recovery files of a namespace: taken
 * the first time recovery_pending_bulk() is asked about it, let go by
 * recovery_bulk_end().
 */
static struct {
	bool			 taken;
	unsigned long long	 ipcns;
	struct shm_recovery	*v;
	size_t			 n;
} snap;

/*
 * recovery_pending(), answered from one look at $TMPDIR for the whole
 * bulk removal instead of one stat(2) of it a segment.  Only for a key
 * that the namespace's bulk lock covers (lock_bulk_covers()): no resize
 * of it can start, so no recovery file of it can appear, while that
 * lock is held; one that was there when it was taken is in the look.  A
 * file removed since (a --recover) still counts: the key is refused, as
 * it would have been a moment earlier.
 */
int
recovery_pending_bulk(const struct shm_addr *a, key_t key,
    struct shm_recovery *found)
{
	const struct shm_place *place = shm_addr_place(a);
	size_t i, pass;

	memset(found, 0, sizeof(*found));
	if (place == NULL)
		place = shm_place_default();
	if (!snap.taken || snap.ipcns != place_ipcns_ino(place)) {
		recovery_bulk_end();
		if (recovery_scan(place, RECOVERY_PREFIX, &snap.v,
		    &snap.n) == -1)
			return -1;
		snap.taken = true;
		snap.ipcns = place_ipcns_ino(place);
	}
	if (snap.n == 0)
		return 0;	/* the common case, once a segment */
	/* As recovery_pending(): by a's own key or shmid, then by key. */
	for (pass = 0; pass < 2; pass++) {
		struct shm_addr k = *a;

		if (pass == 1) {
			if (!a->by_id || key == IPC_PRIVATE)
				break;
			k.by_id = false;
			k.key = key;
		}
		for (i = 0; i < snap.n; i++) {
			if (!recovery_matches(&snap.v[i], &k))
				continue;
			*found = snap.v[i];
			if ((found->path = strdup(snap.v[i].path)) == NULL)
				return -1;
			return 0;
		}
	}
	return 0;
}

void
recovery_bulk_end(void)
{
	sysv_recovery_list_free(snap.v, snap.n);
	snap.v = NULL;
	snap.n = 0;
	snap.taken = false;
}

/*
 * The command that puts back what an interrupted resize of the segment
 * with key (IPC_PRIVATE: of shmid id) in place left, for a message:
 * with "-N PID" where the place is not the caller's own, so that it
 * works as printed.
 */
void
shm_recovery_command(const struct shm_place *place, key_t key, int id,
    char *buf, size_t len)
{
	char addr[32], ns[32] = "";

	recovery_tag(key, id, addr, sizeof(addr));
	if (key == IPC_PRIVATE)
		snprintf(addr, sizeof(addr), "id:%d", id);
	if (place != NULL && place != shm_place_default() &&
	    shm_place_id(place)->pid > 0)
		snprintf(ns, sizeof(ns), "-N %d ", (int)shm_place_id(place)->pid);
	snprintf(buf, len, "shmresize %s--recover %s", ns, addr);
}

/*
 * Make the recovery file path (its last six characters XXXXXX, made
 * unique here) in dir, holding header h, mode 0600.  It appears under its
 * name only with the whole header in it: made unnamed (O_TMPFILE) and
 * linked once written, so that a SIGKILL in between leaves nothing
 * behind, not an empty file that no --recover would ever trust or
 * remove.  Where the file system has no O_TMPFILE, mkostemp(), and the
 * moment in which an empty file can be left is back.
 */
static int
recovery_create(const char *dir, char *path,
    const struct shm_recovery_header *h)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *x = path + strlen(path) - 6, fdpath[32];
	int fd, tries, e;

	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1) {
		resize_test_pause("create");
		if (write_full(fd, h, sizeof(*h)) == -1)
			goto fail;
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		for (tries = 0; tries < 100; tries++) {
			unsigned char r[6];
			int i;

			if (getentropy(r, sizeof(r)) == -1)
				goto fail;
			for (i = 0; i < 6; i++)
				x[i] = set[r[i] % (sizeof(set) - 1)];
			if (linkat(AT_FDCWD, fdpath, AT_FDCWD, path,
			    AT_SYMLINK_FOLLOW) == 0)
				return fd;
			if (errno != EEXIST)
				break;	/* no /proc, say: as below */
		}
		close(fd);
		memcpy(x, "XXXXXX", 6);
	}
	/* No O_TMPFILE here, or no way to name one: the plain way. */
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
		return -1;
	resize_test_pause("create");
	if (write_full(fd, h, sizeof(*h)) == 0)
		return fd;
	e = errno;
	unlink(path);
	close(fd);
	errno = e;
	return -1;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/*
 * Save the data of the segment described by ds (attached at p) to a new
 * recovery file, mode 0600 (recovery_create), header first.  Returns its
 * descriptor and sets *path; or -1, and *path is the directory tried.
 */
int
recovery_save(const struct shm_addr *a, const struct shmid_ds *ds, int id,
    uint64_t new_size, uint64_t pagesize, const unsigned char *p, char **path)
{
	struct shm_recovery_header h;
	const char *dir = recovery_dir();
	char tag[32];
	int fd, e;

	recovery_tag(IPC_PERM_KEY(ds->shm_perm), id, tag, sizeof(tag));
	if (asprintf(path, "%s/" RECOVERY_PREFIX "%s-XXXXXX", dir, tag) == -1) {
		*path = NULL;
		errno = ENOMEM;
		return -1;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, recovery_magic, sizeof(h.magic));
	h.version = SHM_RECOVERY_VERSION;
	h.key = (uint32_t)IPC_PERM_KEY(ds->shm_perm);
	h.old_id = id;
	h.mode = (ds->shm_perm.mode & 0777) |
	    (pagesize != 0 ? (uint32_t)huge_shmflg(pagesize) : 0);
	h.uid = ds->shm_perm.uid;
	h.gid = ds->shm_perm.gid;
	h.old_size = ds->shm_segsz;
	h.new_size = new_size;
	h.ipcns = place_ipcns_ino(shm_addr_place(a));
	sysv_ipcns_identity(&h.nsid, h.boot, sizeof(h.boot));
	h.old_ctime = ds->shm_ctime;
	h.old_cpid = ds->shm_cpid;
	h.new_id = -1;
	h.new_cpid = getpid();
	h.new_ctime = time(NULL);
	if ((fd = recovery_create(dir, *path, &h)) == -1)
		goto fail;
	if (write_full(fd, p, ds->shm_segsz) == 0)
		return fd;
	e = errno;
	close(fd);
	unlink(*path);
	errno = e;
fail:
	e = errno;
	snprintf(*path, strlen(*path) + 1, "%s", dir);
	errno = e;
	return -1;
}
