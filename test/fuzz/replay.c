/* SPDX-License-Identifier: LGPL-3.0-or-later */
/*
 * Runs the API-sequence fuzzer without libFuzzer: every file named on the
 * command line (or every file in a named directory), then, with
 * --random SEED COUNT, COUNT pseudo-random inputs from SEED.  Deterministic,
 * so it runs as a normal test in every build configuration.  With
 * FUZZ_SAVE_INPUT=FILE each random input is written to FILE before it
 * runs, so the one that failed can be replayed alone.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX_BYTES 4096

static int run_file(const char *path)
{
    static uint8_t buf[INPUT_MAX_BYTES];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

static int run_path(const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return run_file(path);
    }
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        return 1;
    }
    int failed = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char file[4096];
            snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
            (*count)++;
            failed |= run_file(file);
        }
        free(names[i]);
    }
    free(names);
    return failed;
}

static void save_input(const uint8_t *buf, size_t len)
{
    const char *path = getenv("FUZZ_SAVE_INPUT");
    if (path == NULL) {
        return;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* xorshift64: the same inputs on every machine */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int main(int argc, char **argv)
{
    int failed = 0, count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--random") == 0 && i + 2 < argc) {
            uint64_t seed = strtoull(argv[i + 1], NULL, 0) | 1;
            long n = atol(argv[i + 2]);
            static uint8_t buf[INPUT_MAX_BYTES];
            for (long k = 0; k < n; k++) {
                size_t len = 1 + next(&seed) % 1024;
                for (size_t j = 0; j < len; j++) {
                    buf[j] = (uint8_t)next(&seed);
                }
                save_input(buf, len);
                LLVMFuzzerTestOneInput(buf, len);
                count++;
            }
            i += 2;
        } else {
            failed |= run_path(argv[i], &count);
        }
    }
    printf("%d inputs\n", count);
    return failed;
}
