/*
 * metrics.c - shmls --metrics: what shmls lists, counted, in the
 * Prometheus text exposition format that node_exporter's textfile
 * collector reads.  Every number comes from the engine the listing uses
 * (shm_select) and the predicates shmrm uses, so that a dashboard and a
 * bulk removal never disagree about what is an orphan.
 *
 * The format: one "# HELP" and one "# TYPE" line per metric family, then
 * its samples; everything is a gauge, in base units (bytes, not KiB),
 * with no timestamps; label values escaped (\\, \", \n).  Label sets are
 * bounded: a type (4 kinds), at most --metrics-owners owners per type plus
 * "other", and never a label per segment.  Unknown is not zero: a sum
 * with an unknown term is absent, and a gauge counts the unknown terms.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysmacros.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/statvfs.h>

#include "cli.h"
#include "metrics.h"

struct owner {
	uid_t		 uid;
	uint64_t	 segments, bytes;
	bool		 bytes_unknown;	/* of some segment: no bytes sample */
};

/*
 * What one place holds of one kind.  Unknown is not zero: a sum with an
 * unknown term in it is not printed (its series is absent), and the
 * number of unknown terms is, as the reason.
 */
struct bucket {
	uint64_t	 segments, bytes, resident, swapped;
	uint64_t	 orphans, orphan_bytes, unused, unknown;
	uint64_t	 oldest_orphan;	/* its CTIME; 0: no orphan with one */
	uint64_t	 complete;	/* 1: every segment of the kind seen;
					   0: no segments, bytes, resident */
	uint64_t	 size_unknown;	/* segments of unknown size: no bytes,
					   no resident */
	uint64_t	 rss_unknown;	/* ...of unknown resident memory: no
					   resident */
	struct owner	*owners;
	size_t		 nowners, owners_cap;
};

/* A fact about a place (a limit, a use, a size), where it is known. */
struct fact {
	bool		 known;
	uint64_t	 v;
};

enum {
	FACT_SHMMNI, FACT_SHMALL, FACT_SHMMAX, FACT_USED_SEGMENTS,
	FACT_USED_PAGES, FACT_PAGE_SIZE, FACT_DEVSHM_SIZE, FACT_DEVSHM_FREE,
	NFACTS
};

/* An IPC namespace and /dev/shm. */
struct place {
	const struct shm_place *where;
	char		*label;		/* place="..."; NULL: none */
	const char	*container;	/* container="..."; NULL: none */
	struct bucket	 kinds[SHM_NKINDS];
	struct fact	 facts[NFACTS];
};

struct metrics {
	const struct metrics_opts *o;
	struct place	*places;
	size_t		 nplaces;
	struct place	*last;		/* of the last record: they come
					   sorted by place */
	unsigned	 unseen;	/* kinds that may have more (shm.h) */
	uint64_t	 page_size;
	bool		 swap_known;	/* the table's swap column was read */
};

/* The metrics of one kind in one place, in the order they are printed. */
static const struct kind_family {
	const char	*name, *help;
	size_t		 off;		/* a uint64_t in struct bucket */
	unsigned	 kinds;		/* the kinds it is about */
} kind_families[] = {
	{ "shm_segments", "Shared memory segments.",
	  offsetof(struct bucket, segments), SHM_KINDS_ALL },
	{ "shm_bytes", "Size of the shared memory segments in bytes; absent "
	  "where that of any is unknown.",
	  offsetof(struct bucket, bytes), SHM_KINDS_ALL },
	{ "shm_resident_bytes",
	  "Memory resident in the shared memory segments in bytes; absent "
	  "where that of any is unknown.",
	  offsetof(struct bucket, resident), SHM_KINDS_ALL },
	{ "shm_swapped_bytes",
	  "Memory of the System V segments swapped out in bytes.",
	  offsetof(struct bucket, swapped), SHM_KIND_BIT(SHM_SYSV) },
	{ "shm_orphan_segments",
	  "Segments nobody uses whose creator is gone (shmrm --orphans).",
	  offsetof(struct bucket, orphans), SHM_KINDS_ALL },
	{ "shm_orphan_bytes", "Size of the orphan segments in bytes.",
	  offsetof(struct bucket, orphan_bytes), SHM_KINDS_ALL },
	{ "shm_oldest_orphan_timestamp_seconds",
	  "CTIME of the oldest orphan, as --older-than ages it, in seconds "
	  "since the epoch; absent when there is none.",
	  offsetof(struct bucket, oldest_orphan), SHM_KINDS_ALL },
	{ "shm_unused_segments",
	  "Segments no process uses, NATTCH 0 (shmrm --unused).",
	  offsetof(struct bucket, unused), SHM_KINDS_ALL },
	{ "shm_unknown_use_segments",
	  "Segments whose users cannot all be seen: neither used nor "
	  "unused.",
	  offsetof(struct bucket, unknown), SHM_KINDS_ALL },
	{ "shm_listing_complete",
	  "1 if every segment of the type could be seen; 0 if processes "
	  "that cannot be seen may hold more (memfds, unlinked POSIX "
	  "objects, anonymous shared memory), and then shm_segments, shm_bytes, shm_resident_bytes "
	  "and the owner series of the type are absent.",
	  offsetof(struct bucket, complete), SHM_KINDS_ALL },
	{ "shm_unknown_size_segments",
	  "Segments whose size is unknown (an unlinked object seen only "
	  "mapped, without CAP_SYS_ADMIN); while not 0, shm_bytes and "
	  "shm_resident_bytes of the type are absent.",
	  offsetof(struct bucket, size_unknown), SHM_KINDS_ALL },
	{ "shm_unknown_resident_segments",
	  "Segments whose resident memory is unknown (huge pages, a size "
	  "unknown); while not 0, shm_resident_bytes of the type is absent.",
	  offsetof(struct bucket, rss_unknown), SHM_KINDS_ALL },
};

/* The facts of a place, with the kind that makes them relevant. */
static const struct place_family {
	const char	*name, *help;
	int		 fact;
	enum shm_kind	 kind;
} place_families[] = {
	{ "shm_sysv_limit_segments",
	  "kernel.shmmni: the most System V segments.",
	  FACT_SHMMNI, SHM_SYSV },
	{ "shm_sysv_limit_pages",
	  "kernel.shmall: the most pages in all System V segments.",
	  FACT_SHMALL, SHM_SYSV },
	{ "shm_sysv_limit_segment_bytes",
	  "kernel.shmmax: the largest System V segment in bytes.",
	  FACT_SHMMAX, SHM_SYSV },
	{ "shm_sysv_used_segments",
	  "System V segments counted against kernel.shmmni, whatever the "
	  "filters.",
	  FACT_USED_SEGMENTS, SHM_SYSV },
	{ "shm_sysv_used_pages",
	  "Pages counted against kernel.shmall: each segment rounded up to "
	  "whole pages, whatever the filters.",
	  FACT_USED_PAGES, SHM_SYSV },
	{ "shm_sysv_page_size_bytes",
	  "The page size kernel.shmall counts in, in bytes.",
	  FACT_PAGE_SIZE, SHM_SYSV },
	{ "shm_devshm_size_bytes",
	  "Size of the file system on /dev/shm in bytes.",
	  FACT_DEVSHM_SIZE, SHM_POSIX },
	{ "shm_devshm_free_bytes",
	  "Space left on /dev/shm for POSIX objects in bytes.",
	  FACT_DEVSHM_FREE, SHM_POSIX },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* --metrics-owners N: 0 (no owner label) to METRICS_OWNERS_MAX. */
int
metrics_owners_parse(const char *s, size_t *out, const char **why)
{
	long long v = strtonum(s, 0, METRICS_OWNERS_MAX, why);

	if (*why != NULL)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* A label value between double quotes, escaped as the format says. */
int
metrics_label_value(FILE *fp, const char *s)
{
	putc('"', fp);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", fp);
			break;
		case '"':
			fputs("\\\"", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		default:
			putc(*s, fp);
		}
	}
	putc('"', fp);
	return ferror(fp) ? -1 : 0;
}

static void
xfail(void)
{
	cli_fatal(NULL);
}

/*
 * Two places may share an IPC and a mount namespace and differ in their
 * /dev/shm (a chroot with its own, in the host's mount namespace): their
 * series would be one series twice, which the format forbids.  Those
 * labels, and only those, name the /dev/shm too.
 */
static void
disambiguate(struct metrics *m)
{
	bool *dup;
	size_t i, j;

	if ((dup = calloc(m->nplaces, sizeof(*dup))) == NULL)
		xfail();
	for (i = 0; i < m->nplaces; i++)
		for (j = i + 1; j < m->nplaces; j++)
			if (m->places[i].label != NULL &&
			    m->places[j].label != NULL &&
			    strcmp(m->places[i].label, m->places[j].label) == 0)
				dup[i] = dup[j] = true;
	for (i = 0; i < m->nplaces; i++) {
		const struct shm_place_id *id;
		char *l;

		if (!dup[i])
			continue;
		id = shm_place_id(m->places[i].where);
		if (asprintf(&l, "%s,shm:%u:%u:%llu", m->places[i].label,
		    major(id->devshm_dev), minor(id->devshm_dev),
		    (unsigned long long)id->devshm_ino) == -1)
			xfail();
		free(m->places[i].label);
		m->places[i].label = l;
	}
	free(dup);
}

/* One place per place counted, in their order, labelled with -A. */
static void
make_places(struct metrics *m)
{
	size_t i;

	if ((m->places = calloc(m->o->nplaces, sizeof(*m->places))) == NULL)
		xfail();
	m->nplaces = m->o->nplaces;
	for (i = 0; i < m->nplaces; i++) {
		struct place *p = &m->places[i];
		const struct shm_place_id *id;

		p->where = m->o->places[i];
		if (!m->o->label_places)
			continue;
		id = shm_place_id(p->where);
		if (asprintf(&p->label, "ipc:%llu,mnt:%llu", id->ipcns,
		    id->mntns) == -1)
			xfail();
		p->container = id->container;
	}
	disambiguate(m);
	m->last = &m->places[0];
}

/* The place of a record: without -A, the only one. */
static struct place *
place_of(struct metrics *m, const struct shm_rec *r)
{
	size_t i;

	if (!m->o->label_places || m->last->where == r->addr.place)
		return m->last;
	for (i = 0; i < m->nplaces; i++)
		if (m->places[i].where == r->addr.place)
			return m->last = &m->places[i];
	return &m->places[0];	/* a memfd: the processes' own place */
}

static void
add_owner(struct bucket *b, const struct shm_rec *r)
{
	size_t i;

	for (i = 0; i < b->nowners; i++)
		if (b->owners[i].uid == r->uid)
			break;
	if (i == b->nowners) {
		if (b->nowners == b->owners_cap) {
			size_t cap = b->owners_cap ? b->owners_cap * 2 : 8;
			struct owner *nv = reallocarray(b->owners, cap,
			    sizeof(*nv));

			if (nv == NULL)
				xfail();
			b->owners = nv;
			b->owners_cap = cap;
		}
		b->owners[i] = (struct owner){ .uid = r->uid };
		b->nowners++;
	}
	b->owners[i].segments++;
	if (r->inode_unknown)
		b->owners[i].bytes_unknown = true;
	else
		b->owners[i].bytes += r->size;
}

/*
 * Count one record.  Unused is what --unused selects, orphan what
 * --orphans selects and unknown what shmrm keeps as "who uses it cannot
 * be seen" (NATTCH unknown): the three never overlap, and unknown is
 * never folded into used or unused.
 */
static void
count(struct metrics *m, const struct shm_rec *r, time_t now)
{
	static const struct shm_filter unused = {
		.kinds = SHM_KINDS_ALL, .unused = true,
	};
	struct bucket *b = &place_of(m, r)->kinds[r->addr.kind];

	b->segments++;
	if (r->inode_unknown)
		b->size_unknown++;
	else
		b->bytes += r->size;
	if (r->rss < 0 || r->inode_unknown)
		b->rss_unknown++;
	else
		b->resident += (uint64_t)r->rss;
	/* Known for System V from the table; a record without it: none. */
	if (r->swap > 0)
		b->swapped += (uint64_t)r->swap;
	else if (r->swap < 0 && r->addr.kind == SHM_SYSV)
		m->swap_known = false;
	if (r->nattch < 0)
		b->unknown++;
	else if (shm_filter_match(&unused, r, now))
		b->unused++;
	if (shm_is_orphan(r)) {
		b->orphans++;
		b->orphan_bytes += r->size;
		if (r->ctime > 0 && (b->oldest_orphan == 0 ||
		    (uint64_t)r->ctime < b->oldest_orphan))
			b->oldest_orphan = (uint64_t)r->ctime;
	}
	if (m->o->owners > 0)
		add_owner(b, r);
}

/*
 * Which kinds each place has seen all of: a kind the scan may have
 * missed some of (the memfds and unlinked POSIX objects of processes
 * it could not see) is incomplete in every place that lists it.
 */
static void
mark_complete(struct metrics *m)
{
	size_t i;
	int k;

	for (i = 0; i < m->nplaces; i++)
		for (k = 0; k < SHM_NKINDS; k++)
			m->places[i].kinds[k].complete =
			    !(m->unseen & SHM_KIND_BIT(k));
}

static void
set_fact(struct place *p, int fact, uint64_t v)
{
	p->facts[fact].known = true;
	p->facts[fact].v = v;
}

/*
 * The facts of each place: the limits of its IPC namespace, what its
 * whole System V table uses of them (the kernel counts every segment,
 * whatever our filters), and its /dev/shm's space; each from the place
 * that lists that kind, so that no namespace is counted twice.  A fact
 * that cannot be read is left out, never printed as 0.
 */
static void
read_facts(struct metrics *m)
{
	static const struct {
		const char	*sysctl;
		int		 fact;
	} limits[] = {
		{ "kernel/shmmni", FACT_SHMMNI },
		{ "kernel/shmall", FACT_SHMALL },
		{ "kernel/shmmax", FACT_SHMMAX },
	};
	struct statvfs sv;
	size_t i, j, n;
	uint64_t val;

	for (j = 0; j < m->nplaces; j++) {
		struct place *p = &m->places[j];
		unsigned lists = shm_place_kinds(p->where);
		struct shm_rec *v;

		if (lists & SHM_KIND_BIT(SHM_SYSV)) {
			for (i = 0; i < NELEM(limits); i++)
				if (shm_place_sysctl(p->where, limits[i].sysctl,
				    &val) == 0)
					set_fact(p, limits[i].fact, val);
			set_fact(p, FACT_PAGE_SIZE, m->page_size);
		}
		/* Only printed with System V selected: list the table only then. */
		if ((lists & m->o->filter->kinds & SHM_KIND_BIT(SHM_SYSV)) &&
		    shm_list(p->where, SHM_KIND_BIT(SHM_SYSV), &v, &n) == 0) {
			/* The kernel charges shmall whole pages per segment. */
			set_fact(p, FACT_USED_SEGMENTS, n);
			set_fact(p, FACT_USED_PAGES, 0);
			for (i = 0; i < n; i++)
				set_fact(p, FACT_USED_PAGES,
				    p->facts[FACT_USED_PAGES].v +
				    shm_sysv_pages(v[i].size));
			shm_rec_list_free(v, n);
		}
		if ((lists & SHM_KIND_BIT(SHM_POSIX)) &&
		    shm_place_statvfs(p->where, &sv) == 0) {
			set_fact(p, FACT_DEVSHM_SIZE,
			    (uint64_t)sv.f_blocks * sv.f_frsize);
			set_fact(p, FACT_DEVSHM_FREE,
			    (uint64_t)sv.f_bavail * sv.f_frsize);
		}
	}
}

static void
family(FILE *fp, const char *name, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* An owner's labels: owner="NAME",uid="UID". */
struct owner_labels {
	const char	*name, *uid;
};

/*
 * NAME{place,container,type,owner,uid} VALUE: the labels that apply, in
 * that order; no braces when none does.
 */
static void
sample(FILE *fp, const struct metrics *m, const char *name,
    const struct place *p, int kind, const struct owner_labels *owner,
    uint64_t v)
{
	const char *sep = "{";

	fputs(name, fp);
	(void)m;
	if (p->label != NULL) {
		fprintf(fp, "%splace=", sep);
		metrics_label_value(fp, p->label);
		sep = ",";
	}
	if (p->container != NULL) {
		fprintf(fp, "%scontainer=", sep);
		metrics_label_value(fp, p->container);
		sep = ",";
	}
	if (kind >= 0) {
		fprintf(fp, "%stype=\"%s\"", sep, shm_kind_name(kind));
		sep = ",";
	}
	if (owner != NULL) {
		fprintf(fp, "%sowner=", sep);
		metrics_label_value(fp, owner->name);
		fputs(",uid=", fp);
		metrics_label_value(fp, owner->uid);
		sep = ",";
	}
	if (*sep == ',')
		putc('}', fp);
	fprintf(fp, " %" PRIu64 "\n", v);
}

/*
 * The kinds that get samples: every kind the filters select, so that a
 * series reads 0 rather than vanish when the last segment goes.  Files
 * are never listed, only named, and have none.
 */
static bool
kind_shown(const struct metrics *m, int kind, unsigned kinds)
{
	return kind != SHM_FILE && (kinds & SHM_KIND_BIT(kind)) &&
	    (m->o->filter->kinds & SHM_KIND_BIT(kind));
}

static int
owner_cmp(const void *x, const void *y)
{
	const struct owner *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes < b->bytes ? 1 : -1;
	return (a->uid > b->uid) - (a->uid < b->uid);
}

/*
 * An owner's labels: owner, the user name, or the uid where the name is
 * not UTF-8 (a label value must be) or there is none; and uid, its
 * number.  A name may be anything ("other", "4005"), so uid is what
 * tells owners apart, and the aggregates have one no uid can be:
 * "unknown" where the owner is not known, "other" for the rest.
 */
static struct owner_labels
owner_labels(uid_t uid, char *name, size_t namelen, char *num, size_t numlen)
{
	const char *n;

	if (uid == SHM_UNKNOWN_ID)
		return (struct owner_labels){ "unknown", "unknown" };
	snprintf(num, numlen, "%u", (unsigned)uid);
	n = shm_fmt_user(uid, name, namelen);
	if (!shm_utf8_valid(n, strlen(n)))
		n = num;
	return (struct owner_labels){ n, num };
}

/*
 * shm_owner_segments and shm_owner_bytes: the largest owners by bytes
 * (--metrics-owners of them) per type, and the rest together as "other",
 * so that the label set stays bounded however many users there are.
 */
static void
print_owners(FILE *fp, const struct metrics *m, bool bytes)
{
	const char *name = bytes ? "shm_owner_bytes" : "shm_owner_segments";
	size_t i, j;
	int k;

	family(fp, name, bytes ?
	    "Size of the segments of the largest owners in bytes, by user "
	    "name and uid; the rest as uid=\"other\", an unknown owner as "
	    "uid=\"unknown\"; absent where a size is unknown." :
	    "Segments of the largest owners, by user name and uid; the rest "
	    "as uid=\"other\", an unknown owner as uid=\"unknown\".");
	for (i = 0; i < m->nplaces; i++) {
		const struct place *p = &m->places[i];

		for (k = 0; k < SHM_NKINDS; k++) {
			static const struct owner_labels rest = {
				"other", "other"
			};
			const struct bucket *b = &p->kinds[k];
			uint64_t other = 0;
			bool any_other = false, other_unknown = false;

			/* Not all seen: no share of an unknown whole. */
			if (!kind_shown(m, k, SHM_KINDS_ALL &
			    shm_place_kinds(p->where)) || !b->complete)
				continue;
			for (j = 0; j < b->nowners; j++) {
				const struct owner *o = &b->owners[j];
				uint64_t v = bytes ? o->bytes : o->segments;
				bool unknown = bytes && o->bytes_unknown;
				struct owner_labels ol;
				char nbuf[64], ubuf[16];

				if (j >= m->o->owners) {
					other += v;
					any_other = true;
					other_unknown |= unknown;
					continue;
				}
				if (unknown)
					continue;
				ol = owner_labels(o->uid, nbuf, sizeof(nbuf),
				    ubuf, sizeof(ubuf));
				sample(fp, m, name, p, k, &ol, v);
			}
			if (any_other && !other_unknown)
				sample(fp, m, name, p, k, &rest, other);
		}
	}
}

/* A bucket's value for a family; false where it has none to print. */
static bool
bucket_value(const struct metrics *m, const struct kind_family *kf,
    const struct bucket *b, uint64_t *v)
{
	*v = *(const uint64_t *)(const void *)((const char *)b + kf->off);
	/* A time, not a count: no orphan is no sample, never 1970. */
	if (kf->off == offsetof(struct bucket, oldest_orphan))
		return *v != 0;
	if (kf->off == offsetof(struct bucket, swapped))
		return m->swap_known;
	/* Sums with an unknown term: absent, and counted as the reason. */
	if (kf->off == offsetof(struct bucket, segments))
		return b->complete;
	if (kf->off == offsetof(struct bucket, bytes))
		return b->complete && b->size_unknown == 0;
	if (kf->off == offsetof(struct bucket, resident))
		return b->complete && b->rss_unknown == 0;
	return true;
}

static void
print_all(FILE *fp, struct metrics *m)
{
	size_t f, i;
	uint64_t v;
	int k;

	for (f = 0; f < NELEM(kind_families); f++) {
		const struct kind_family *kf = &kind_families[f];
		bool header = false;

		for (i = 0; i < m->nplaces; i++)
			for (k = 0; k < SHM_NKINDS; k++) {
				const struct bucket *b = &m->places[i].kinds[k];

				if (!kind_shown(m, k, kf->kinds &
				    shm_place_kinds(m->places[i].where)) ||
				    !bucket_value(m, kf, b, &v))
					continue;
				if (!header)
					family(fp, kf->name, kf->help);
				header = true;
				sample(fp, m, kf->name, &m->places[i], k,
				    NULL, v);
			}
	}
	if (m->o->owners > 0) {
		for (i = 0; i < m->nplaces; i++)
			for (k = 0; k < SHM_NKINDS; k++) {
				struct bucket *b = &m->places[i].kinds[k];

				if (b->nowners > 1)
					qsort(b->owners, b->nowners,
					    sizeof(*b->owners), owner_cmp);
			}
		print_owners(fp, m, false);
		print_owners(fp, m, true);
	}
	for (f = 0; f < NELEM(place_families); f++) {
		const struct place_family *pf = &place_families[f];
		bool header = false;

		if (!(m->o->filter->kinds & SHM_KIND_BIT(pf->kind)))
			continue;
		for (i = 0; i < m->nplaces; i++) {
			const struct fact *fa = &m->places[i].facts[pf->fact];

			if (!fa->known)
				continue;
			if (!header)
				family(fp, pf->name, pf->help);
			header = true;
			sample(fp, m, pf->name, &m->places[i], -1, NULL, fa->v);
		}
	}
}

/*
 * The kernel's Shmem, host-wide (no place label), and what each type of
 * segment, the other tmpfs mounts and the unattributed rest hold of it,
 * as shmls --summary accounts for it; only with no filter, for the parts
 * of a filtered listing account for nothing.
 */
static void
print_shmem(FILE *fp, const struct metrics *m, struct shm_rec *v, size_t n)
{
	struct shm_shmem a;
	uint64_t unknown = 0;
	int k;

	if (!shm_shmem_accountable(m->o->filter))
		return;
	/* Shmem counts pages in memory: RSS split from SWAP, as --summary. */
	shm_fill_swap(v, n);
	if (shm_shmem_account(m->o->places, m->o->nplaces, v, n, m->unseen,
	    &a) == -1)
		return;
	family(fp, "shm_kernel_shmem_bytes", "Shmem of /proc/meminfo, the "
	    "shared column of free: the shmem pages in memory, host-wide, in "
	    "bytes.");
	fprintf(fp, "shm_kernel_shmem_bytes %" PRIu64 "\n", a.total);
	family(fp, "shm_kernel_shmem_part_bytes", "What each type of segment "
	    "(resident), the other tmpfs mounts (type=\"tmpfs\") and the rest "
	    "(type=\"unattributed\") hold of Shmem in bytes; absent where "
	    "unknown, and then the rest is too.");
	for (k = 0; k < SHM_NKINDS; k++) {
		if (k == SHM_FILE)
			continue;
		if (a.kind[k] < 0)
			unknown++;
		else
			fprintf(fp, "shm_kernel_shmem_part_bytes{type=\"%s\"} %"
			    PRId64 "\n", shm_kind_name(k), a.kind[k]);
	}
	if (a.tmpfs < 0)
		unknown++;
	else
		fprintf(fp, "shm_kernel_shmem_part_bytes{type=\"tmpfs\"} %"
		    PRId64 "\n", a.tmpfs);
	if (a.unattributed >= 0)
		fprintf(fp, "shm_kernel_shmem_part_bytes{type=\"unattributed\"} "
		    "%" PRId64 "\n", a.unattributed);
	family(fp, "shm_kernel_shmem_unknown_parts", "Parts of Shmem whose "
	    "share is unknown (another user's segments, processes that cannot "
	    "be seen, a tmpfs mount that cannot be read); while not 0, the "
	    "unattributed part is absent.");
	fprintf(fp, "shm_kernel_shmem_unknown_parts %" PRIu64 "\n", unknown);
}

static void
metrics_free(struct metrics *m)
{
	size_t i;
	int k;

	for (i = 0; i < m->nplaces; i++) {
		for (k = 0; k < SHM_NKINDS; k++)
			free(m->places[i].kinds[k].owners);
		free(m->places[i].label);
	}
	free(m->places);
}

/*
 * List what the filters select (with who uses each: unused, orphan and
 * unknown need it), count, and print.  Nothing is printed when the
 * listing fails: a half-written file must not look like an empty host.
 */
int
metrics_print(FILE *fp, const struct metrics_opts *o)
{
	struct metrics m = { .o = o };
	struct shm_rec *v = NULL;
	time_t now = time(NULL);
	size_t i, n = 0;
	long ps = sysconf(_SC_PAGESIZE);

	m.page_size = ps > 0 ? (uint64_t)ps : 4096;
	make_places(&m);
	if (shm_select_places(o->places, o->nplaces, o->filter, true, &v,
	    &n, &m.unseen) == -1)
		cli_fatal("cannot list segments");
	mark_complete(&m);
	/*
	 * Without /proc/sysvipc/shm (listed by SHM_STAT), swap is unknown:
	 * then no shm_swapped_bytes at all.
	 */
	m.swap_known = access("/proc/sysvipc/shm", R_OK) == 0;
	for (i = 0; i < n; i++)
		count(&m, &v[i], now);
	read_facts(&m);
	print_all(fp, &m);
	print_shmem(fp, &m, v, n);
	metrics_free(&m);
	shm_rec_list_free(v, n);
	if (fflush(fp) != 0 || ferror(fp))
		return EXIT_OPFAIL;
	return EXIT_SUCCESS;
}
