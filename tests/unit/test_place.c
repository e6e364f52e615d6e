/*
 * test_place.c - the default place is the caller's own: its /dev/shm and
 * /proc, its IPC namespace, the same value every time, and the one an
 * address made by hand (or by the parser) is in, each part opened only
 * when something needs it (a program that reads one object opens
 * nothing else: issue 20's start-up cost).  The place of a PID
 * (-N): a process of ours is in our place, an exited one has none.  And
 * the parsers of /proc/PID/cgroup (the container id), uid_map (who a
 * user namespace's root is) and /proc/PID/stat.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm-private.h"
#include "tap.h"

/* Is descriptor fd the directory at path? */
static bool
same_dir(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    S_ISDIR(a.st_mode) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* How many descriptors are open: fcntl only, so nothing is opened. */
static int
open_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 256; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/*
 * Run first: the default place opens each part the first time it is
 * needed, and keeps it.
 */
static void
test_lazy(void)
{
	const struct shm_place *p;
	struct shm_addr a;
	const char *why;
	int n0 = open_fds();

	p = shm_place_default();
	tap_ok(open_fds() == n0, "the default place opens nothing until asked");
	tap_ok(place_enter(p) == 0 && open_fds() == n0,
	    "entering it, never having left, opens nothing");
	tap_ok(shm_addr_parse("/x", &a, &why) == 0 &&
	    shm_addr_place(&a) == p && open_fds() == n0,
	    "an address in it opens nothing");
	shm_addr_free(&a);
	(void)place_devshm(p);
	tap_ok(open_fds() == n0 + 1, "its /dev/shm is opened when asked for...");
	(void)place_devshm(p);
	tap_ok(open_fds() == n0 + 1, "...once");
	(void)place_proc(p);
	(void)place_proc(p);
	tap_ok(open_fds() == n0 + 2, "its /proc too, once");
	tap_ok(place_ipcns_ino(p) != 0 && open_fds() == n0 + 2,
	    "its IPC namespace is known without keeping it open");
}

#define ID64	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID64B	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void
test_container(void)
{
	static const struct {
		const char	*cgroup, *id;
	} cases[] = {
		{ "0::/system.slice/docker-" ID64 ".scope\n", ID64 },
		{ "0::/system.slice/cri-containerd-" ID64 ".scope\n", ID64 },
		{ "0::/machine.slice/libpod-" ID64 ".scope\n", ID64 },
		{ "0::/machine.slice/libpod-" ID64 ".scope/container\n", ID64 },
		{ "0::/kubepods.slice/kubepods-besteffort.slice/"
		  "kubepods-besteffort-pod1f2e3d4c_5b6a_7980_a1b2_c3d4e5f60718"
		  ".slice/crio-" ID64 ".scope\n", ID64 },
		{ "0::/kubepods.slice/kubepods-burstable.slice/"
		  "kubepods-burstable-pod12.slice/cri-containerd-" ID64
		  ".scope\n", ID64 },
		{ "12:memory:/docker/" ID64 "\n11:cpu:/docker/" ID64 "\n", ID64 },
		{ "4:pids:/kubepods/besteffort/pod1f2e3d4c-5b6a-7980-a1b2-"
		  "c3d4e5f60718/" ID64 "\n", ID64 },
		{ "0::/system.slice/containerd.service/kubepods-pod1.slice:"
		  "cri-containerd:" ID64 "\n", ID64 },
		/* the runtime's, not a child the container named itself */
		{ "0::/docker/" ID64 "/nested/docker-" ID64B ".scope\n", ID64 },
		{ "0::/system.slice/docker-" ID64 ".scope/docker-" ID64B
		  ".scope\n", ID64 },
		{ "0::/machine.slice/libpod-" ID64 ".scope/container/"
		  "libpod-" ID64B ".scope\n", ID64 },
		{ "1:name=systemd:/user.slice\n0::/docker/" ID64 "\n", ID64 },
		{ "0::/init.scope\n", NULL },
		{ "0::/user.slice/user-1000.slice/session-2.scope\n", NULL },
		{ "0::/\n", NULL },
		{ "", NULL },
		{ "0::/docker-" ID64 "0.scope\n", NULL },	/* 65 digits */
		{ "0::/docker-0123456789ABCDEF0123456789abcdef0123456789"
		  "abcdef0123456789abcdef.scope\n", NULL },	/* capitals */
		{ "0::/xdocker" ID64 ".scope\n", NULL },
		{ "0::/docker-" ID64 ".scopex\n", NULL },
		{ "garbage", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[65];
		int r = proc_cgroup_container(cases[i].cgroup, out, sizeof(out));

		if (cases[i].id != NULL)
			tap_ok(r == 1 && strcmp(out, cases[i].id) == 0,
			    "cgroup %zu names container %.12s", i, cases[i].id);
		else
			tap_ok(r == 0, "cgroup %zu names no container", i);
	}
}

static void
test_idmap(void)
{
	unsigned long id;

	tap_ok(proc_idmap_root("         0      65534          1\n", &id) == 1 &&
	    id == 65534, "uid_map: 0 is 65534 (unshare -Ur as nobody)");
	tap_ok(proc_idmap_root("         0     100000      65536\n", &id) == 1 &&
	    id == 100000, "uid_map: 0 is 100000 (a remapped container)");
	tap_ok(proc_idmap_root("      1000       1000          1\n"
	    "         0     200000       1000\n", &id) == 1 && id == 200000,
	    "uid_map: the line that maps 0, not the first");
	tap_ok(proc_idmap_root("      1000       1000          1\n", &id) == 0,
	    "uid_map: 0 not mapped");
	tap_ok(proc_idmap_root("         0 4294967295          1\n", &id) == 0,
	    "uid_map: 0 maps to what we cannot name");
	tap_ok(proc_idmap_root("", &id) == 0 && proc_idmap_root("0 1\n", &id) == 0,
	    "uid_map: empty, or not three numbers");
}

static void
test_stat(void)
{
	char state;
	unsigned long flags;

	tap_ok(proc_stat_parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0",
	    &state, &flags) == 0 && state == 'S' && flags == 2129984,
	    "stat of a kernel thread: state and flags");
	tap_ok(proc_stat_parse("42 (a) b) c) Z 1 42 42 0 -1 4194316 1",
	    &state, &flags) == 0 && state == 'Z' && flags == 4194316,
	    "stat with ')' in the command name");
	tap_ok(proc_stat_parse("42 (sh) R 1 42 42 34816 -1 4194560",
	    &state, &flags) == 0 && state == 'R', "stat with a tty");
	tap_ok(proc_stat_parse("42 (sh)", &state, &flags) == -1,
	    "a stat cut short is refused");
	tap_ok(proc_stat_parse("42 sh R 1 2 3 4 5 6", &state, &flags) == -1,
	    "a stat without (comm) is refused");
}

/* The place of a PID: a child of ours is in our place, and then exits. */
static void
test_of_pid(void)
{
	const struct shm_place *p;
	const struct shm_place_id *id, *own = shm_place_id(NULL);
	pid_t child;
	int st;

	if ((child = fork()) == 0) {
		pause();
		_exit(0);
	}
	tap_ok(shm_place_of_pid(child, &p) == 0, "a child has a place");
	id = shm_place_id(p);
	tap_ok(id->pid == child && id->ipcns == own->ipcns &&
	    id->mntns == own->mntns, "it is in our namespaces, NSPID %d",
	    (int)child);
	tap_ok(p->ipcns == -1, "entering it needs no setns");
	tap_ok(shm_place_kinds(p) == SHM_KINDS_ALL, "it lists every kind");
	shm_place_free(p);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	tap_ok(shm_place_of_pid(child, &p) == -1 && errno == ESRCH,
	    "an exited PID has none: ESRCH");
	if ((child = fork()) == 0)
		_exit(0);
	while (waitid(P_PID, child, NULL, WEXITED | WNOWAIT) == -1 &&
	    errno == EINTR)
		;
	tap_ok(shm_place_of_pid(child, &p) == -1 && errno == SHM_EZOMBIE,
	    "a zombie has none: SHM_EZOMBIE");
	waitpid(child, &st, 0);
}

int
main(void)
{
	const struct shm_place *p;
	struct shm_addr a;
	const char *why;
	struct stat st;
	int fl;

	test_lazy();
	p = shm_place_default();
	tap_ok(p != NULL && p == shm_place_default(),
	    "the default place is one value");
	if (stat(SHM_DEVSHM, &st) == 0)
		tap_ok(same_dir(place_devshm(p), SHM_DEVSHM),
		    "its /dev/shm is " SHM_DEVSHM);
	else
		tap_ok(place_devshm(p) == -1 && errno == p->devshm_err &&
		    errno != 0, "without " SHM_DEVSHM ", it says why");
	tap_ok(same_dir(place_proc(p), SHM_PROC), "its /proc is " SHM_PROC);
	fl = fcntl(place_proc(p), F_GETFD);
	tap_ok(fl != -1 && (fl & FD_CLOEXEC),
	    "its descriptors are close-on-exec");
	tap_ok(p->ipcns == -1, "its IPC namespace is the caller's own");
	tap_ok(place_enter(p) == 0, "entering it changes nothing");

	tap_ok(shm_addr_parse("/x", &a, &why) == 0 && a.place == NULL &&
	    shm_addr_place(&a) == p,
	    "a parsed address is in the default place");
	shm_addr_free(&a);
	test_container();
	test_idmap();
	test_stat();
	test_of_pid();
	return tap_done();
}
