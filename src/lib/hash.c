/*
 * hash.c - one hash table for the library: keys of three numbers (a
 * device and an inode; two namespaces and a device...), each mapped to
 * a small number, the index of what the caller keeps about it in an
 * array of its own.  Open addressing, linear probing, at most half
 * full: a walk of /proc that meets each key a few times stays linear.
 *
 * Layer: text (src/lib/LAYERS): pure memory, no system call.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shm-private.h"

static size_t
key_hash(const uint64_t k[3])
{
	uint64_t h = k[0] * 0x9e3779b97f4a7c15ULL ^ k[1] *
	    0xbf58476d1ce4e5b9ULL ^ k[2];

	h ^= h >> 31;
	h *= 0x94d049bb133111ebULL;
	return (size_t)(h ^ (h >> 29));
}

/* The slot of k: its own, or the empty one where it would go. */
static struct hash_slot *
slot_of(const struct hash *h, const uint64_t k[3])
{
	size_t i;

	for (i = key_hash(k) & (h->cap - 1); h->slot[i].v != 0;
	    i = (i + 1) & (h->cap - 1))
		if (memcmp(h->slot[i].k, k, sizeof(h->slot[i].k)) == 0)
			break;
	return &h->slot[i];
}

/* Room for n keys in all without growing again: -1 out of memory. */
int
hash_reserve(struct hash *h, size_t n)
{
	struct hash old = *h;
	size_t cap, i;

	for (cap = 64; cap < (n + 1) * 2; cap *= 2)
		if (cap > SIZE_MAX / 4 / sizeof(*h->slot)) {
			errno = ENOMEM;
			return -1;
		}
	if (cap <= h->cap)
		return 0;
	if ((h->slot = calloc(cap, sizeof(*h->slot))) == NULL) {
		h->slot = old.slot;
		return -1;
	}
	h->cap = cap;
	for (i = 0; i < old.cap; i++)
		if (old.slot[i].v != 0)
			*slot_of(h, old.slot[i].k) = old.slot[i];
	free(old.slot);
	return 0;
}

/* The index kept for (a, b, c), or -1 if it is not there. */
ssize_t
hash_get(const struct hash *h, uint64_t a, uint64_t b, uint64_t c)
{
	const uint64_t k[3] = { a, b, c };
	const struct hash_slot *s;

	if (h->cap == 0)
		return -1;
	s = slot_of(h, k);
	return s->v != 0 ? (ssize_t)s->v - 1 : -1;
}

/*
 * Keep index v for (a, b, c) unless it has one: 1 if it was added, 0
 * if it was there already (*v its index), -1 out of memory.
 */
int
hash_put(struct hash *h, uint64_t a, uint64_t b, uint64_t c, size_t *v)
{
	const uint64_t k[3] = { a, b, c };
	struct hash_slot *s;

	if (*v >= UINT32_MAX - 1) {
		errno = ENOMEM;
		return -1;
	}
	if ((h->n + 1) * 2 > h->cap && hash_reserve(h, h->n + 1 > h->cap ?
	    h->n + 1 : h->cap) == -1)
		return -1;
	s = slot_of(h, k);
	if (s->v != 0) {
		*v = s->v - 1;
		return 0;
	}
	memcpy(s->k, k, sizeof(k));
	s->v = (uint32_t)*v + 1;
	h->n++;
	return 1;
}

void
hash_free(struct hash *h)
{
	free(h->slot);
	memset(h, 0, sizeof(*h));
}
