/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * The example in doc/tevent_queue_tutorial.md must be the built and tested
 * examples/queue_writev.c, byte for byte.
 *
 * Usage: test_queue_doc <tutorial.md> <queue_writev.c>
 */
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#define BEGIN_MARK "<!-- begin examples/queue_writev.c -->\n```c\n"
#define END_MARK "```\n<!-- end examples/queue_writev.c -->\n"

static const char *doc_path;
static const char *example_path;

static char *slurp(TALLOC_CTX *mem_ctx, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t used = 0;
    size_t n;

    assert_non_null(f);
    do {
        buf = talloc_realloc(mem_ctx, buf, char, used + 4096 + 1);
        assert_non_null(buf);
        n = fread(buf + used, 1, 4096, f);
        used += n;
    } while (n > 0);
    assert_int_equal(ferror(f), 0);
    fclose(f);
    buf[used] = '\0';
    *len = used;
    return buf;
}

/* 1-based line of the first difference, for the failure message. */
static int first_difference_line(const char *a, size_t alen, const char *b,
                                 size_t blen)
{
    size_t i;
    int line = 1;
    for (i = 0; i < alen && i < blen && a[i] == b[i]; i++) {
        if (a[i] == '\n') {
            line++;
        }
    }
    return line;
}

static void test_doc_matches_example(void **state)
{
    TALLOC_CTX *mem = talloc_new(NULL);
    size_t doc_len, ex_len, block_len;
    char *doc = slurp(mem, doc_path, &doc_len);
    char *example = slurp(mem, example_path, &ex_len);
    char *begin, *end;
    (void)state;

    /* Exactly one marked block. */
    begin = strstr(doc, BEGIN_MARK);
    assert_non_null(begin);
    assert_null(strstr(begin + 1, BEGIN_MARK));
    begin += strlen(BEGIN_MARK);
    end = strstr(begin, END_MARK);
    assert_non_null(end);
    block_len = (size_t)(end - begin);

    if (block_len != ex_len || memcmp(begin, example, ex_len) != 0) {
        fail_msg("%s differs from %s, starting at line %d of the example",
                 doc_path, example_path,
                 first_difference_line(example, ex_len, begin, block_len));
    }
    talloc_free(mem);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_matches_example),
    };
    if (argc != 3) {
        fprintf(stderr, "usage: %s <tutorial.md> <example.c>\n", argv[0]);
        return 2;
    }
    doc_path = argv[1];
    example_path = argv[2];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
