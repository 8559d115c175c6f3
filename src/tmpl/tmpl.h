#ifndef CUSTODIAN_TMPL_H
#define CUSTODIAN_TMPL_H

/*
 * The C face of Google ctemplate (tmpl.cc is the project's only C++).
 *
 * A dictionary holds the values of one template expansion. Section and
 * include dictionaries belong to their parent and are freed with it; only
 * a dictionary from tmpl_dict_new() is passed to tmpl_dict_free(). Every
 * template starts with {{%AUTOESCAPE context="HTML"}}, so
 * every value is escaped for the place it lands in; C code never builds
 * markup.
 *
 * No function throws or aborts: on an internal failure (out of memory) the
 * setters do nothing and tmpl_expand() fails.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tmpl_dict;

/* Sets the directory templates are loaded from. Returns 0 or -1. */
int tmpl_init(const char *root_dir);

/* Marks every cached template for reload from disk if it changed. */
void tmpl_reload(void);

/* A new top-level dictionary, or NULL. */
struct tmpl_dict *tmpl_dict_new(void);

/* Frees a top-level dictionary and all its sub-dictionaries. Accepts NULL. */
void tmpl_dict_free(struct tmpl_dict *d);

/* Sets key to value ("" for NULL). */
void tmpl_set(struct tmpl_dict *d, const char *key, const char *value);

/* Sets key to the first n bytes of value. */
void tmpl_set_n(struct tmpl_dict *d, const char *key, const char *value, size_t n);

/* Sets key to a decimal integer. */
void tmpl_set_int(struct tmpl_dict *d, const char *key, long long value);

/* Shows section once, with the values of d. */
void tmpl_show(struct tmpl_dict *d, const char *section);

/* Adds one repetition of section and returns its dictionary (NULL on
 * failure). The section sees its parents' values. */
struct tmpl_dict *tmpl_add(struct tmpl_dict *d, const char *section);

/* Fills the include {{>name}} with file and returns its dictionary, which
 * does not see the parent's values. */
struct tmpl_dict *tmpl_include(struct tmpl_dict *d, const char *name, const char *file);

/* Expands file with d. On success calls emit(ctx, text, len) once with the
 * whole output and returns 0; returns -1 (and logs to stderr) if the
 * template is missing or broken. */
int tmpl_expand(const char *file, const struct tmpl_dict *d,
                void (*emit)(void *ctx, const char *text, size_t len), void *ctx);

#ifdef __cplusplus
}
#endif

#endif
