#ifndef HOTFIX_CNCURSES_SHIM_H
#define HOTFIX_CNCURSES_SHIM_H
// The wide API is hidden unless this is set, and SwiftPM drops pkg-config's defines.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <ncursesw/curses.h>

// Swift 6 rejects reading these C globals and the A_* macros do not import.
static inline WINDOW *hf_stdscr(void) { return stdscr; }
static inline int hf_lines(void) { return LINES; }
static inline int hf_cols(void) { return COLS; }
static inline int hf_colors(void) { return COLORS; }
static inline int hf_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t hf_a_bold(void) { return A_BOLD; }
static inline attr_t hf_a_reverse(void) { return A_REVERSE; }
static inline attr_t hf_a_underline(void) { return A_UNDERLINE; }
static inline attr_t hf_a_dim(void) { return A_DIM; }
static inline attr_t hf_a_normal(void) { return A_NORMAL; }
static inline attr_t hf_a_italic(void) { return A_ITALIC; }
static inline int hf_key_resize(void) { return KEY_RESIZE; }
static inline attr_t hf_a_standout(void) { return A_STANDOUT; }
static inline int hf_key_code_yes(void) { return KEY_CODE_YES; }

// newterm() on the process's stdin/stdout: unlike initscr() it returns NULL instead of exiting.
static inline SCREEN *hf_newterm(void) { return newterm(NULL, stdout, stdin); }

// The terminal's size from the tty, for resizeterm() after SIGWINCH.
static inline int hf_window_size(int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col;
    return 0;
}

// Signals become one byte (the signal number) on a pipe the event loop polls: the handler does
// nothing else, so it is async-signal-safe and it works whichever thread the kernel picks.
static int hf_signal_fd = -1;
static void hf_signal_to_pipe(int sig) {
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (hf_signal_fd >= 0) { ssize_t n = write(hf_signal_fd, &b, 1); (void)n; }
    errno = saved;
}
static inline int hf_route_signal(int sig, int fd) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    hf_signal_fd = fd;
    sa.sa_handler = hf_signal_to_pipe;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(sig, &sa, NULL);
}
static inline void hf_default_signal(int sig) { signal(sig, SIG_DFL); }

// Restores the terminal if the process exits while ncurses is active (an error path that exit()s).
static void hf_endwin_if_active(void) { if (!isendwin()) endwin(); }
static inline void hf_restore_at_exit(void) { atexit(hf_endwin_if_active); }
// Line-buffered stdout even into a pipe: a `hotfix` run by the console streams its output.
static inline void hf_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
#endif
