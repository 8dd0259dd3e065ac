/*
 * The prefilter of the secrets scanner: finds the 4-byte anchors of
 * secrets_int.h in a buffer at several GB/s.
 *
 * It is the "Teddy" algorithm of Hyperscan and Rust's aho-corasick: the
 * anchors are put in 8 buckets; for each of the 4 anchor positions two
 * 16-entry tables map the low and the high nibble of a byte to the buckets
 * that allow it, and PSHUFB looks up 16 (SSSE3) or 32 (AVX2) bytes at once.
 * A byte of the AND of the 8 lookups is non-zero where some bucket may match;
 * only there is the exact anchor checked, with one 256-entry table per
 * position.  Anchors sharing a bucket are chosen so that the nibble
 * combinations they allow together stay rare in text and code.
 *
 * The kernel is picked at run time; machines without SSSE3 (and other
 * architectures) use the plain table loop, which is correct but slower.
 */
#include "secrets_int.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SECRETS_X86 1
#include <immintrin.h>
#endif

struct anchor_def {
	const char *set[4]; /* bytes allowed at each position; NULL: any byte */
	int bucket;
};

static const struct anchor_def anchor_defs[SA_COUNT] = {
	[SA_PEM] = { { "-", "B", "E", "G" }, 0 },
	[SA_AZURE] = { { "n", "t", "K", "e" }, 0 },
	[SA_AWS_ID] = { { "A", "KS", "I", "A" }, 1 },
	[SA_GOOGLE] = { { "A", "I", "z", "a" }, 1 },
	[SA_GITHUB] = { { "g", "h", NULL, "_" }, 2 },
	[SA_NPM] = { { "n", "p", "m", "_" }, 2 },
	[SA_GITLAB] = { { "g", "l", "p", "a" }, 3 },
	[SA_GITHUB_PAT] = { { "b", "_", "p", "a" }, 4 },
	[SA_STRIPE] = { { "k", "_", "l", "i" }, 4 },
	[SA_AWS_SECRET] = { { "tT", "_", "aA", "cC" }, 5 },
	[SA_SERVICE_ACCOUNT] = { { "e", "_", "a", "c" }, 5 },
	[SA_SLACK_HOOK] = { { ".", "s", "l", "a" }, 6 },
	[SA_SLACK_TOKEN] = { { "x", "o", "x", NULL }, 7 },
};

uint16_t secrets_anchor_mask[4][256];
static unsigned char nib_lo[4][16], nib_hi[4][16];
static int kernel; /* 0 table loop, 1 SSSE3, 2 AVX2 */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
	int a, j, c;

	for (a = 0; a < SA_COUNT; a++) {
		for (j = 0; j < 4; j++) {
			for (c = 0; c < 256; c++) {
				const char *set = anchor_defs[a].set[j];

				if (set && !(c && strchr(set, c)))
					continue;
				secrets_anchor_mask[j][c] |= (uint16_t)(1u << a);
				nib_lo[j][c & 15] |= (unsigned char)(1u << anchor_defs[a].bucket);
				nib_hi[j][c >> 4] |= (unsigned char)(1u << anchor_defs[a].bucket);
			}
		}
	}
#ifdef SECRETS_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		kernel = 2;
	else if (__builtin_cpu_supports("ssse3"))
		kernel = 1;
#endif
}

void secrets_filter_init(void)
{
	pthread_once(&init_once, build_tables);
}

int secrets_filter_use(int k)
{
	int old;

	secrets_filter_init();
	old = kernel;
	if (k < 0 || k > 2)
		return -1;
#ifdef SECRETS_X86
	if ((k == 2 && !__builtin_cpu_supports("avx2")) || (k == 1 && !__builtin_cpu_supports("ssse3")))
		return -1;
#else
	if (k)
		return -1;
#endif
	kernel = k;
	return old;
}

static inline unsigned exact(const unsigned char *p)
{
	return (unsigned)secrets_anchor_mask[0][p[0]] & secrets_anchor_mask[1][p[1]] & secrets_anchor_mask[2][p[2]] &
	       secrets_anchor_mask[3][p[3]];
}

/*
 * Positions [i, to) one by one; a position needs its 4 bytes below len.
 * Branch-free: common letters start anchors, so testing the first byte
 * alone would mispredict often.
 */
static size_t next_plain(const unsigned char *b, size_t i, size_t to, size_t len, unsigned *anchors)
{
	size_t last = len >= 4 ? len - 3 : 0;

	if (to > last)
		to = last;
	for (; i < to; i++) {
		unsigned m = exact(b + i);

		if (m) {
			*anchors = m;
			return i;
		}
	}
	return (size_t)-1;
}

#ifdef SECRETS_X86
__attribute__((target("ssse3"))) static size_t next_ssse3(const unsigned char *b, size_t i, size_t to, size_t len,
							   unsigned *anchors)
{
	const __m128i low = _mm_set1_epi8(0x0f), zero = _mm_setzero_si128();
	__m128i lo[4], hi[4];
	int j;

	for (j = 0; j < 4; j++) {
		lo[j] = _mm_loadu_si128((const __m128i *)nib_lo[j]);
		hi[j] = _mm_loadu_si128((const __m128i *)nib_hi[j]);
	}
	while (i < to && len - i >= 16 + 3) {
		__m128i m = _mm_set1_epi8(-1);
		unsigned bits;

		for (j = 0; j < 4; j++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(b + i + j));
			__m128i l = _mm_shuffle_epi8(lo[j], _mm_and_si128(v, low));
			__m128i h = _mm_shuffle_epi8(hi[j], _mm_and_si128(_mm_srli_epi16(v, 4), low));

			m = _mm_and_si128(m, _mm_and_si128(l, h));
		}
		bits = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(m, zero)) & 0xffffu;
		while (bits) {
			size_t p = i + (size_t)__builtin_ctz(bits);
			unsigned e;

			if (p >= to)
				return to;
			if ((e = exact(b + p)) != 0) {
				*anchors = e;
				return p;
			}
			bits &= bits - 1;
		}
		i += 16;
	}
	return i < to ? next_plain(b, i, to, len, anchors) : (size_t)-1;
}

__attribute__((target("avx2"))) static size_t next_avx2(const unsigned char *b, size_t i, size_t to, size_t len,
							 unsigned *anchors)
{
	const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
	__m256i lo[4], hi[4];
	int j;

	for (j = 0; j < 4; j++) {
		lo[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)nib_lo[j]));
		hi[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)nib_hi[j]));
	}
	while (i < to && len - i >= 32 + 3) {
		__m256i m = _mm256_set1_epi8(-1);
		unsigned bits;

		for (j = 0; j < 4; j++) {
			__m256i v = _mm256_loadu_si256((const __m256i *)(b + i + j));
			__m256i l = _mm256_shuffle_epi8(lo[j], _mm256_and_si256(v, low));
			__m256i h = _mm256_shuffle_epi8(hi[j], _mm256_and_si256(_mm256_srli_epi16(v, 4), low));

			m = _mm256_and_si256(m, _mm256_and_si256(l, h));
		}
		bits = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, zero));
		while (bits) {
			size_t p = i + (size_t)__builtin_ctz(bits);
			unsigned e;

			if (p >= to)
				return to;
			if ((e = exact(b + p)) != 0) {
				*anchors = e;
				return p;
			}
			bits &= bits - 1;
		}
		i += 32;
	}
	return i < to ? next_ssse3(b, i, to, len, anchors) : (size_t)-1;
}
#endif

size_t secrets_filter_next(const unsigned char *b, size_t from, size_t to, size_t len, unsigned *anchors)
{
	size_t p;

	if (to > len)
		to = len;
	if (from >= to)
		return to;
#ifdef SECRETS_X86
	if (kernel == 2)
		p = next_avx2(b, from, to, len, anchors);
	else if (kernel == 1)
		p = next_ssse3(b, from, to, len, anchors);
	else
#endif
		p = next_plain(b, from, to, len, anchors);
	return p < to ? p : to;
}

#ifdef SECRETS_X86
__attribute__((target("avx2,popcnt"))) static size_t count_avx2(const unsigned char *b, size_t n)
{
	const __m256i nl = _mm256_set1_epi8('\n');
	size_t i = 0, c = 0;

	for (; i + 32 <= n; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(b + i));

		c += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl)));
	}
	for (; i < n; i++)
		c += b[i] == '\n';
	return c;
}
#endif

/* Without AVX2, glibc's vectorised memchr does the work. */
static size_t count_plain(const unsigned char *b, size_t n)
{
	size_t c = 0;
	const unsigned char *p = b, *end = b + n;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

size_t secrets_count_newlines(const unsigned char *b, size_t n)
{
#ifdef SECRETS_X86
	if (kernel == 2)
		return count_avx2(b, n);
#endif
	return count_plain(b, n);
}
