#ifndef HOTFIX_CNCURSES_SHIM_H
#define HOTFIX_CNCURSES_SHIM_H
// The wide API is hidden unless this is set, and SwiftPM drops pkg-config's defines.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
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
#endif
