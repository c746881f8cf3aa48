// SPDX-License-Identifier: MIT
/*
 * output.c - write a command's output whole or not at all.
 *
 * A regular file is replaced atomically (temporary file, rename), so a
 * failure never leaves half a DTB where a boot script expects a whole one.
 * Pipes, devices and symlinks such as /dev/stdout are written directly:
 * replacing them would be wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_stdout(const struct cli_buf *b)
{
	if (write_all(STDOUT_FILENO, b->p, b->len))
		return cli_error(EXIT_INPUT, "cannot write to standard output: %s",
				 strerror(errno));
	return EXIT_OK;
}

static int write_direct(const char *path, const struct cli_buf *b)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0 || write_all(fd, b->p, b->len)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return cli_error(EXIT_INPUT, "cannot write %s: %s", path,
				 strerror(e));
	}
	if (close(fd))
		return cli_error(EXIT_INPUT, "cannot write %s: %s", path,
				 strerror(errno));
	return EXIT_OK;
}

/* The temporary file's name: hidden, beside the target, same filesystem. */
static char *temp_name(const char *path)
{
	char *d = strdup(path), *f = strdup(path), *t = NULL;
	size_t len;

	if (d && f) {
		len = strlen(path) + 16;
		t = malloc(len);
		if (t)
			snprintf(t, len, "%s/.%s.XXXXXX", dirname(d),
				 basename(f));
	}
	free(d);
	free(f);
	return t;
}

static int write_replace(const char *path, const struct cli_buf *b)
{
	char *tmp = temp_name(path);
	mode_t mask;
	int fd, e;

	if (!tmp)
		return cli_error(EXIT_INPUT, "out of memory");
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		free(tmp);
		return cli_error(EXIT_INPUT, "cannot create a file beside %s: %s",
				 path, strerror(e));
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || write_all(fd, b->p, b->len) ||
	    fsync(fd) || close(fd) || rename(tmp, path)) {
		e = errno;
		close(fd);	/* may fail if already closed: harmless */
		unlink(tmp);
		free(tmp);
		return cli_error(EXIT_INPUT, "cannot write %s: %s", path,
				 strerror(e));
	}
	free(tmp);
	return EXIT_OK;
}

int cli_write(const char *path, const struct cli_buf *b)
{
	struct stat st;

	if (b->failed)
		return cli_error(EXIT_INPUT, "out of memory building the output");
	if (!path || strcmp(path, "-") == 0)
		return write_stdout(b);
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return write_direct(path, b);
	return write_replace(path, b);
}
