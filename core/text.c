// SPDX-License-Identifier: MIT
/*
 * text.c - reading whole inputs and walking their lines.
 *
 * Every input is read whole, up to MC_INPUT_MAX bytes, so that an endless
 * stream (/dev/zero, a pipe that never closes its data) is refused in
 * bounded time and memory rather than read until allocation fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

#define STDIN_NAME "<stdin>"

/*
 * A FIFO is opened without waiting for a writer (a FIFO nobody writes to
 * reads as empty instead of hanging), then read blocking as usual.
 */
static int open_input(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int fl;

	if (fd < 0)
		return -1;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static ssize_t read_some(int fd, char *p, size_t len)
{
	ssize_t got;

	do
		got = read(fd, p, len);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Grow @buf to hold up to MC_INPUT_MAX bytes and the NUL after them. */
static int grow(char **buf, size_t *cap)
{
	size_t want = *cap < MC_INPUT_MAX / 2 ? *cap * 2 : MC_INPUT_MAX;
	char *p = realloc(*buf, want + 1);

	if (!p)
		return MC_ENOMEM;
	*buf = p;
	*cap = want;
	return 0;
}

/* Read @fd to its end; MC_ERANGE past MC_INPUT_MAX bytes. */
static int read_fd(int fd, size_t hint, char **text, size_t *len)
{
	size_t cap = hint && hint < MC_INPUT_MAX ? hint : 65536, n = 0;
	char *buf = malloc(cap + 1), extra;
	ssize_t got;
	int err = buf ? 0 : MC_ENOMEM;

	while (!err) {
		if (n == cap && cap == MC_INPUT_MAX) {
			got = read_some(fd, &extra, 1);
			err = got > 0 ? MC_ERANGE : got < 0 ? MC_EIO : 0;
			break;
		}
		if (n == cap && (err = grow(&buf, &cap)))
			break;
		got = read_some(fd, buf + n, cap - n);
		if (got <= 0) {
			err = got < 0 ? MC_EIO : 0;
			break;
		}
		n += (size_t)got;
	}
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

static int read_failed(struct mc_map *map, int err, const char *name, int e)
{
	if (err == MC_ERANGE)
		return mc_diag(map, err, name, 0, NULL,
			       "longer than the input limit of %zu MiB "
			       "(MC_INPUT_MAX); an endless stream?",
			       MC_INPUT_MAX >> 20);
	if (err == MC_EIO)
		return mc_diag(map, err, name, 0, NULL, "cannot read: %s",
			       strerror(e));
	return mc_diag(map, err, name, 0, NULL, "%s", mc_strerror(err));
}

int mc_read_file(struct mc_map *map, const char *path, void **data,
		 size_t *len)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? STDIN_NAME : path;
	int fd = is_stdin ? STDIN_FILENO : open_input(path), err;
	struct stat st;
	size_t hint = 0;
	char *text;

	if (fd < 0)
		return mc_diag(map, MC_EIO, name, 0, NULL, "cannot open: %s",
			       strerror(errno));
	/* A regular file's size is known: refuse it unread, or read it in
	 * one buffer (+1: its end is seen without growing). */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		hint = (uint64_t)st.st_size > MC_INPUT_MAX ? SIZE_MAX :
							     (size_t)st.st_size + 1;
	err = hint == SIZE_MAX ? MC_ERANGE : read_fd(fd, hint, &text, len);
	if (err)
		read_failed(map, err, name, errno);
	if (!is_stdin)
		close(fd);
	if (!err)
		*data = text;
	return err;
}

int mc_load_file(struct mc_map *map, const char *path, mc_loader_fn load)
{
	void *text;
	size_t len;
	int err = mc_read_file(map, path, &text, &len);

	if (err)
		return err;
	err = load(map, strcmp(path, "-") ? path : STDIN_NAME, text, len);
	free(text);
	return err;
}

const char *mc_intern_source(struct mc_map *map, const char *source)
{
	if (!source)
		source = "";
	return mc_arena_strdup(&map->arena, source, strlen(source));
}

/* Text is what a person writes: no NUL, no control bytes but blanks. */
static bool is_binary_byte(unsigned char c)
{
	return (c < 0x20 && !strchr("\t\n\v\f\r", c)) || c == 0x7f;
}

/*
 * Binary input is refused whole: line by line it would give a message per
 * line, each quoting raw bytes at the terminal.
 */
static int check_text(struct mc_map *map, const char *source,
		      const char *text, size_t len)
{
	unsigned int lineno = 1;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n')
			lineno++;
		else if (!c)
			return mc_diag(map, MC_EINVAL, source, lineno, NULL,
				       "NUL byte in a text line: binary "
				       "data, not read");
		else if (is_binary_byte(c))
			return mc_diag(map, MC_EINVAL, source, lineno, NULL,
				       "control byte 0x%02x in a text line: "
				       "binary data, not read", c);
	}
	return 0;
}

int mc_each_line(struct mc_map *map, const char *source, const char *text,
		 size_t len, mc_line_fn fn, void *ctx)
{
	const char *p = text, *end = text + len, *nl;
	char buf[MC_LINE_MAX + 1];
	unsigned int lineno = 0;
	int first = 0, err = check_text(map, source, text, len);
	size_t n;

	if (err)
		return err;
	for (; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		if (n && p[n - 1] == '\r')
			n--;
		lineno++;
		if (n > MC_LINE_MAX)
			err = mc_diag(map, MC_EINVAL, source, lineno, NULL,
				      "line longer than %d bytes", MC_LINE_MAX);
		else {
			memcpy(buf, p, n);
			buf[n] = '\0';
			err = fn(ctx, lineno, buf);
		}
		if (err && !first)
			first = err;
	}
	return first;
}
