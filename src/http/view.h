#ifndef CUSTODIAN_VIEW_H
#define CUSTODIAN_VIEW_H

#include "http/request.h"
#include "tmpl/tmpl.h"

/*
 * Pages in the layout (templates/layout.tpl): navigation, the signed-in
 * user, the flash notice, and the page's own template as {{>BODY}}.
 */

enum nav {
	NAV_NONE,
	NAV_CUSTOMERS,
	NAV_RETENTION,
	NAV_BULK,
	NAV_AUDIT,
	NAV_CLOSURES,
	NAV_WEBHOOKS,
	NAV_STATUS,
	NAV_API_KEYS,
	NAV_OPERATORS
};

struct view {
	struct tmpl_dict *root;
	struct tmpl_dict *body;
};

/* Starts a page; returns the body dictionary (never NULL: on failure a
 * dummy that ignores values, and view_send() answers 500). */
struct tmpl_dict *view_begin(struct req *r, struct view *v, const char *title,
                             const char *body_template, enum nav nav);

/* Expands and sends the page with status. */
void view_send(struct req *r, struct view *v, int status);

/* Makes the page reload itself every seconds (a progress page that works
 * without JavaScript). */
void view_refresh(struct view *v, int seconds);

/* Sets a flash notice (a fixed code, never user text) for the next page. */
void view_flash(struct req *r, const char *code);

#endif
