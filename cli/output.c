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

/* @b in a new temporary file beside @path: its name, or NULL (printed). */
static char *write_temp(const char *path, const struct cli_buf *b)
{
	char *tmp = temp_name(path);
	mode_t mask;
	int fd, e;

	if (!tmp) {
		cli_error(EXIT_INPUT, "out of memory");
		return NULL;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		free(tmp);
		cli_error(EXIT_INPUT, "cannot create a file beside %s: %s",
			  path, strerror(e));
		return NULL;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || write_all(fd, b->p, b->len) ||
	    fsync(fd) || close(fd)) {
		e = errno;
		close(fd);	/* may fail if already closed: harmless */
		unlink(tmp);
		free(tmp);
		cli_error(EXIT_INPUT, "cannot write %s: %s", path, strerror(e));
		return NULL;
	}
	return tmp;
}

/* Standard output and anything not a regular file are written directly. */
static bool replaced(const char *path)
{
	struct stat st;

	if (!path || strcmp(path, "-") == 0)
		return false;
	return lstat(path, &st) != 0 || S_ISREG(st.st_mode);
}

static int write_now(const char *path, const struct cli_buf *b)
{
	if (!path || strcmp(path, "-") == 0)
		return write_stdout(b);
	return write_direct(path, b);
}

/* Rename every temporary into place, or (after a failure) remove them. */
static int finish(const char *const *path, char **tmp, size_t n, int st)
{
	for (size_t i = 0; i < n; i++) {
		if (!tmp[i])
			continue;
		if (st == EXIT_OK && rename(tmp[i], path[i]))
			st = cli_error(EXIT_INPUT, "cannot write %s: %s",
				       path[i], strerror(errno));
		if (st != EXIT_OK)
			unlink(tmp[i]);
		free(tmp[i]);
	}
	return st;
}

/*
 * Every regular file is written to its temporary first, then the direct
 * outputs, and only when all of that worked are the temporaries renamed:
 * a command with two outputs (a zero page and its setup_data node) that
 * fails on either leaves neither. Renames beside the target do not run
 * out of space, so the last step does not fail in practice.
 */
int cli_write_all(const char *const *path, const struct cli_buf *const *b,
		  size_t n)
{
	char *tmp[CLI_MAX_OUTPUTS] = { NULL };
	bool repl[CLI_MAX_OUTPUTS];
	int st = EXIT_OK;

	if (n > CLI_MAX_OUTPUTS)
		return cli_error(EXIT_INPUT, "%zu outputs; at most %d", n,
				 CLI_MAX_OUTPUTS);
	for (size_t i = 0; i < n; i++) {
		if (b[i]->failed)
			return cli_error(EXIT_INPUT,
					 "out of memory building the output");
		repl[i] = replaced(path[i]);
	}
	for (size_t i = 0; st == EXIT_OK && i < n; i++)
		if (repl[i] && !(tmp[i] = write_temp(path[i], b[i])))
			st = EXIT_INPUT;
	for (size_t i = 0; st == EXIT_OK && i < n; i++)
		if (!repl[i])
			st = write_now(path[i], b[i]);
	return finish(path, tmp, n, st);
}

int cli_write(const char *path, const struct cli_buf *b)
{
	return cli_write_all(&path, &b, 1);
}
