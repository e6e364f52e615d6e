/*
 * fuzz_sysv_line - sysv_parse_proc_line on lines of /proc/sysvipc/shm:
 * any line is parsed or refused, never read past, and a parsed record is
 * a System V one with a shmid >= 0 and an ADDRESS that parses back.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct shm_rec rec;
	struct shm_addr back;
	char buf[SHM_ADDR_BUFSZ];

	memset(&rec, 0, sizeof(rec));
	if (sysv_parse_proc_line(s, &rec) == 0) {
		FUZZ_CHECK(rec.addr.kind == SHM_SYSV, s);
		FUZZ_CHECK(rec.addr.id >= 0, s);
		FUZZ_CHECK(rec.addr.by_id == (rec.addr.key == 0), s);
		FUZZ_CHECK(rec.nattch >= 0 && rec.rss >= 0, s);
		FUZZ_CHECK((rec.mode & ~(mode_t)0777) == 0, s);
		FUZZ_CHECK(shm_addr_format(&rec.addr, buf, sizeof(buf)) <
		    (int)sizeof(buf), s);
		FUZZ_CHECK(shm_addr_parse(buf, &back, NULL) == 0, buf);
		FUZZ_CHECK(back.kind == SHM_SYSV && back.by_id == rec.addr.by_id, buf);
		FUZZ_CHECK(back.by_id ? back.id == rec.addr.id :
		    back.key == rec.addr.key, buf);
		shm_addr_free(&back);
	}
	shm_rec_free(&rec);
	free(s);
	return 0;
}
