/*
 * recovery.c - the recovery files of System V resizes: a file in $TMPDIR
 * ("shmresize-0xKEY-XXXXXX", mode 0600) that holds a segment's data
 * while a resize (sysv_resize.c) may have removed it, written before
 * anything changes and removed after; what an interrupted resize left
 * is listed and trusted only when the file is ours, whole, and of the
 * IPC namespace asked about.
 *
 * Layer: kinds (src/lib/LAYERS), below sysv_resize.c.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

#define RECOVERY_PREFIX	"shmresize-"

static const char recovery_magic[8] = SHM_RECOVERY_MAGIC;

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
 * after the last NATTCH check, before IPC_RMID; "copy": the new segment
 * exists, empty), so that the tests can act at that instant instead of
 * hoping to hit it.
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
 * Open recovery file name in dirfd and read its header into rec, or fail
 * (ENOENT for anything that is not ours to trust: not a regular file, a
 * symbolic link, owned by another user than the caller or root, a bad
 * header, another IPC namespace's than ipcns, a name that does not match
 * the key).
 */
int
recovery_open(int dirfd, const char *dir, const char *name,
    unsigned long long ipcns, struct shm_recovery *rec)
{
	struct shm_recovery_header h;
	char tag[32], want[64];
	struct stat st;
	uid_t me = geteuid();
	int fd;

	if (strncmp(name, RECOVERY_PREFIX, strlen(RECOVERY_PREFIX)) != 0) {
		errno = ENOENT;
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != me && st.st_uid != 0) ||
	    (size_t)st.st_size < sizeof(h) ||
	    read_full_at(fd, &h, sizeof(h), 0) == -1 ||
	    memcmp(h.magic, recovery_magic, sizeof(h.magic)) != 0 ||
	    h.version != SHM_RECOVERY_VERSION ||
	    h.ipcns != ipcns)
		goto untrusted;
	recovery_tag((key_t)h.key, h.old_id, tag, sizeof(tag));
	snprintf(want, sizeof(want), RECOVERY_PREFIX "%s-", tag);
	if (strncmp(name, want, strlen(want)) != 0)
		goto untrusted;
	memset(rec, 0, sizeof(*rec));
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
	rec->complete = (uint64_t)st.st_size - sizeof(h) == h.old_size;
	return fd;
untrusted:
	close(fd);
	errno = ENOENT;
	return -1;
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
int
sysv_recovery_list(const struct shm_place *place, struct shm_recovery **vp,
    size_t *np)
{
	const char *dir = recovery_dir();
	struct shm_recovery *v = NULL, rec;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	*vp = NULL;
	*np = 0;
	if (place == NULL)
		place = shm_place_default();
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
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
	if (n > 1)
		qsort(v, n, sizeof(*v), recovery_cmp);
	*vp = v;
	*np = n;
	return 0;
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
	size_t n, i;

	memset(found, 0, sizeof(*found));
	if (sysv_recovery_list(shm_addr_place(a), &v, &n) == -1)
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
