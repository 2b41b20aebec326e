/* SPDX-License-Identifier: BSD-3-Clause */
/* Signals: SIGTERM, SIGINT and SIGHUP remove every unfinished output of the run (radx_file's
 * hidden names, and what the command registered) and say so in one line before the process dies
 * of the signal; SIGXFSZ and SIGPIPE are ignored, so that a file-size limit or a closed pipe is a
 * write error the command reports, naming the file, not a silent death. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

static const char *volatile g_interrupt_note = "";
static const char *volatile g_remove_on_interrupt[2];

void radx_cli_set_interrupt_note(const char *note) { g_interrupt_note = note ? note : ""; }

void radx_cli_remove_on_interrupt(int slot, const char *path)
{
    if (slot >= 0 && slot < 2) g_remove_on_interrupt[slot] = path;
}

static void put(const char *s)
{
    if (write(2, s, strlen(s)) < 0) { /* nothing more can be said */
    }
}

static void on_signal(int sig)
{
    radx_file_discard_all();
    for (int i = 0; i < 2; i++) {
        const char *extra = g_remove_on_interrupt[i];
        if (extra) unlink(extra);
    }
    const char *name = sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
    put("radx: interrupted by ");
    put(name);
    put("; the unfinished outputs of this run were removed");
    put(g_interrupt_note);
    put("\n");
    signal(sig, SIG_DFL);
    raise(sig);
}

void radx_cli_signals_install(void)
{
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    const int sigs[3] = {SIGTERM, SIGINT, SIGHUP};
    for (int i = 0; i < 3; i++) {
        struct sigaction old;
        /* a signal the shell ignores (nohup, a background job) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

void radx_cli_signals_block(int block)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGHUP);
    pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &s, NULL);
}
