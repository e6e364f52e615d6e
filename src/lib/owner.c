/*
 * owner.c - who a place's files are changed as.  Never act in a place
 * with more authority than its owner has: a place made by an
 * unprivileged user namespace (a rootless container, unshare -Urm) may
 * mount over its own /dev/shm any tmpfs it can search (a root-owned
 * one, like the host's /run), and root's removal, resize or write there
 * would reach files the place's own users could never touch.
 *
 * So where the user namespace that owns the place's mount namespace is
 * not ours, whatever changes a file there (unlink, create, an open for
 * writing) runs with the file system credentials of that namespace's
 * root as we number it (its uid 0 in /proc/PID/uid_map; where 0 is not
 * mapped, the namespace's owner), with no supplementary groups:
 * setfsuid(2) away from 0 also drops the file system capabilities
 * (CAP_DAC_OVERRIDE, CAP_FOWNER...; capabilities(7)), and the kernel
 * then judges as it would judge that user.  The dispatcher (seg.c)
 * brackets those operations with place_act_begin() and place_act_end().
 *
 * What the namespace's root could do there through its capabilities in
 * its own namespace (another of its users' files) is refused: we do not
 * have those capabilities without entering the namespace for good.
 *
 * Layer: places (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "shm-private.h"

/* The user-namespace-less id nobody has: not mapped. */
#define ID_NONE		0xffffffffUL
/* Who is no one in particular: nogroup. */
#define OVERFLOW_GID	65534

/* The bracket now open, if any: the uid acted as. */
static bool acting;
static uid_t acting_uid;

/* The inode of our own user namespace (0: cannot be told). */
static unsigned long long
own_userns(void)
{
	static unsigned long long ino;

	if (ino == 0)
		ino = proc_ino_at(AT_FDCWD, "/proc/self/ns/user");
	return ino;
}

/* Id 0 of the process at taskdir's user namespace, from a map file. */
static unsigned long
map_root(int taskdir, const char *file)
{
	char buf[4096];
	unsigned long id;

	if (shm_read_small(taskdir, file, buf, sizeof(buf)) <= 0 ||
	    proc_idmap_root(buf, &id) != 1)
		return ID_NONE;
	return id;
}

/*
 * Find who the place of the process at taskdir (a live thread's
 * directory) is acted in as: p->act.  0, or -1 with errno where the
 * namespaces cannot be looked at (gone, or out of descriptors).
 */
int
place_owner_find(struct shm_place *p, int taskdir)
{
	unsigned long uid, gid;
	struct stat us;
	int mnt, user;

	p->act = PLACE_ACT_SELF;
	if ((mnt = openat(taskdir, "ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	user = ioctl(mnt, NS_GET_USERNS);
	close(mnt);
	if (user == -1) {
		/* EPERM: a namespace above ours, where we have no more say. */
		return errno == EPERM ? 0 : -1;
	}
	if (fstat(user, &us) == -1) {
		close_keep_errno(user);
		return -1;
	}
	if ((unsigned long long)us.st_ino == own_userns()) {
		close(user);
		return 0;
	}
	/* Its root, if the process is in that namespace; else its owner. */
	uid = gid = ID_NONE;
	if (proc_ino_at(taskdir, "ns/user") == (unsigned long long)us.st_ino) {
		uid = map_root(taskdir, "uid_map");
		gid = map_root(taskdir, "gid_map");
	}
	if (uid == ID_NONE) {
		uid_t owner;

		if (ioctl(user, NS_GET_OWNER_UID, &owner) == 0 &&
		    owner != (uid_t)-1)
			uid = owner;
	}
	close(user);
	if (uid == ID_NONE) {
		p->act = PLACE_ACT_NEVER;
		return 0;
	}
	p->act = PLACE_ACT_AS;
	p->act_uid = (uid_t)uid;
	p->act_gid = gid != ID_NONE ? (gid_t)gid : OVERFLOW_GID;
	return 0;
}

/* Our file system uid now (setfsuid() with an invalid id only reads it). */
static uid_t
cur_fsuid(void)
{
	return (uid_t)setfsuid((uid_t)-1);
}

/* Put back what place_act_begin() changed. */
static void
restore(struct place_act *s)
{
	int e = errno;

	setfsuid(s->fsuid);
	setfsgid(s->fsgid);
	if (s->groups_set)
		(void)setgroups((size_t)s->ngroups, s->groups);
	free(s->groups);
	s->groups = NULL;
	s->on = false;
	acting = false;
	errno = e;
}

/*
 * Change files in place p from now until place_act_end() as its owner
 * would (see above): 0, or -1 with errno, SHM_EFOREIGN where its owner
 * cannot be told, EPERM where we may not take its credentials.
 */
int
place_act_begin(const struct shm_place *p, struct place_act *s)
{
	s->on = false;
	s->groups = NULL;
	s->groups_set = false;
	if (p->act == PLACE_ACT_SELF || acting)
		return 0;
	if (p->act == PLACE_ACT_NEVER) {
		errno = SHM_EFOREIGN;
		return -1;
	}
	s->fsuid = cur_fsuid();
	s->fsgid = (gid_t)setfsgid((gid_t)-1);
	if (s->fsuid == p->act_uid)
		return 0;	/* its owner is who we are already */
	s->on = true;
	acting = true;
	acting_uid = p->act_uid;
	if ((s->ngroups = getgroups(0, NULL)) < 0 ||
	    (s->groups = calloc((size_t)s->ngroups + 1,
	    sizeof(gid_t))) == NULL ||
	    (s->ngroups = getgroups(s->ngroups, s->groups)) < 0)
		goto fail;
	if (setgroups(0, NULL) == -1)
		goto fail;
	s->groups_set = true;
	setfsgid(p->act_gid);
	setfsuid(p->act_uid);
	if ((gid_t)setfsgid((gid_t)-1) != p->act_gid ||
	    cur_fsuid() != p->act_uid) {
		errno = EPERM;
		goto fail;
	}
	return 0;
fail:
	restore(s);
	return -1;
}

/* Back to our own credentials; errno is kept. */
void
place_act_end(struct place_act *s)
{
	if (s->on)
		restore(s);
}

/*
 * The uid that changes files now: the place owner's inside a bracket,
 * else our effective one (for a dry run's judgement, shm_may_remove()).
 */
uid_t
place_acting_uid(void)
{
	static uid_t euid = (uid_t)-1;

	/* Our effective uid never changes: only the fsuid does (acting). */
	if (euid == (uid_t)-1)
		euid = geteuid();
	return acting ? acting_uid : euid;
}
