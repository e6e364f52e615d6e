/*
 * kernel.h - the Linux and glibc ABI details the library relies on that
 * the headers hide, spell oddly, or lack on older systems.  Private to
 * the library: every value here is the kernel's, not ours.
 */
#ifndef SHMTOOLS_KERNEL_H
#define SHMTOOLS_KERNEL_H

#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

/*
 * glibc names the key of struct ipc_perm __key (musl: __ipc_perm_key);
 * it is the kernel's shm_perm.key.
 */
#define IPC_PERM_KEY(perm)	((perm).__key)

/* <sys/shm.h> hides these without _GNU_SOURCE; the values are the ABI. */
#ifndef SHM_DEST
#define SHM_DEST	01000	/* IPC_RMID done: freed at last detach */
#endif
#ifndef SHM_LOCKED
#define SHM_LOCKED	02000	/* SHM_LOCK: not swapped */
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY	15	/* SHM_STAT without the read check (4.17) */
#endif

/*
 * SHM_STAT and SHM_STAT_ANY take an index in the table, not a shmid: its
 * low IPCMNI_SHIFT bits, or IPCMNI_EXTEND_SHIFT with ipcmni_extend.
 */
#define IPCMNI_SHIFT		15
#define IPCMNI_EXTEND_SHIFT	24

/* The kernel's table of System V segments (of the IPC namespace we are in). */
#define PROC_SYSVIPC_SHM	"/proc/sysvipc/shm"

/* A System V mapping in /proc/PID/maps: "/SYSV%08x", inode the shmid. */
#define SYSV_MAPS_PREFIX	"/SYSV"

/* What the kernel prints for a memfd's file, and after an unlinked one. */
#define MEMFD_LINK_PREFIX	"/memfd:"
#define SHM_DELETED_SUFFIX	" (deleted)"
/*
 * What it prints for the file of an anonymous shared mapping, made by
 * mmap(MAP_SHARED | MAP_ANONYMOUS) or by a MAP_SHARED map of /dev/zero
 * alike (shmem_zero_setup): one inode of the internal shmem mount per
 * mapping made, shared by the children it is forked to.
 */
#define ANON_LINK		"/dev/zero" SHM_DELETED_SUFFIX

/* The inode of the initial PID namespace (include/linux/proc_ns.h). */
#define PROC_PID_INIT_INO	0xEFFFFFFCU

/* Huge page sizes: hugepages-2048kB, ...; a machine has a few (arm64: 4). */
#define HUGEPAGES_DIR	"/sys/kernel/mm/hugepages"
#define HUGE_MAX	8

#ifndef MFD_HUGETLB
#define MFD_HUGETLB	0x0004U
#endif
/* SHM_HUGETLB's and MFD_HUGETLB's page size: log2 of it, in bits 26-31. */
#define HUGE_SHIFT	26

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22	/* Linux 5.14 */
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* Linux 5.14 */
#endif

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE	0x0010	/* Linux 5.1 */
#endif

#endif
