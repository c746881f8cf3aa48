// SPDX-License-Identifier: MIT
/*
 * spawn.c - whole processes, timed from spawn to exit, with a time limit.
 *
 * The limit uses alarm() and a handler that only interrupts waitpid():
 * polling with a sleep would add up to a sleep's length to every run, as
 * much as a small memcarve run takes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

extern char **environ;

static void on_alarm(int sig)
{
	(void)sig;	/* waitpid() returns EINTR: that is all we need */
}

static void redirect(posix_spawn_file_actions_t *fa, int fd, const char *path)
{
	posix_spawn_file_actions_addopen(fa, fd, path ? path : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

/* Wait for @pid; on the alarm, kill it. Returns the raw status or -1. */
static int wait_limited(pid_t pid, unsigned int timeout_s)
{
	struct sigaction sa, old;
	bool late = false;
	int status = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: waitpid must stop */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(timeout_s);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
		late = true;
		kill(pid, SIGKILL);
	}
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return late ? -1 : status;
}

int run_process(char *const argv[], const char *out_path,
		const char *err_path, unsigned int timeout_s, double *secs)
{
	posix_spawn_file_actions_t fa;
	uint64_t t0;
	pid_t pid;
	int err, status;

	posix_spawn_file_actions_init(&fa);
	redirect(&fa, STDOUT_FILENO, out_path);
	redirect(&fa, STDERR_FILENO, err_path);
	t0 = now_ns();
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		die("cannot run %s: %s", argv[0], strerror(err));
	status = wait_limited(pid, timeout_s);
	*secs = (double)(now_ns() - t0) / 1e9;
	if (status == -1)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
